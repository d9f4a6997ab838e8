"""``splynx serve`` and ``splynx demo``."""

import atexit
import importlib.util
import signal
import subprocess
import sys
from pathlib import Path

import click

from ..services.bootstrap import prepare_database
from . import simulators


def run_server(host, bind: str, port: int) -> None:
    """Serve through :class:`hostapp.wsgi.LiveApp`, so add-on installs take effect without a restart."""
    from werkzeug.serving import run_simple

    from ..services.charging.service import ResumeWatch
    from ..services.mail.service import watch as mail_watch
    from ..services.reconciler import watch
    from ..wsgi import LiveApp

    host.jobs.recover()
    if not host.config.broker_url:  # charge batches run in this process: carry on interrupted ones
        ResumeWatch(host, "serve").start()
    watch(host).start()
    mail_watch(host).start()
    run_simple(bind, port, LiveApp(host), threaded=True, use_reloader=False)


@click.command()
@click.option("--host", "bind", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int)
@click.pass_obj
def serve(obj, bind: str, port: int) -> None:
    """Run the web app with the built-in server (use gunicorn 'hostapp.wsgi:app' in production)."""
    prepare_database(obj.host)
    run_server(obj.host, bind, port)


def build_demo_wheelhouse(host, plugins: Path) -> None:
    """Build the wheelhouse the Add-ons page installs from, out of the add-on source trees."""
    from core.packages.build import update_wheelhouse

    if host.config.package_backend != "wheelhouse" or host.config.wheelhouse_location.startswith(("http:", "https:")):
        click.echo("The package source is not a local wheelhouse; --plugins is ignored.")
        return
    target = Path(host.config.wheelhouse_location)
    click.echo(f"Building add-on wheels from {plugins} into {target} …")
    built = update_wheelhouse(plugins, target)
    click.echo("  " + (", ".join(f"{w.name} {w.version}" for w in built) if built else "all up to date"))


DEMO_SMTP_PORT = 8025


def start_mail_sink(host, port: int) -> list[str]:
    """A local SMTP server (aiosmtpd) that keeps what the demo sends in ``<instance>/demo-mail`` (a Maildir).

    The Default partner's e-mail settings point at it unless an SMTP host is already set.
    """
    from ..services.mail.settings import NAMESPACE, SETTINGS
    from ..services.settings_store import SettingsStore

    if importlib.util.find_spec("aiosmtpd") is None:  # the demo environment installs it (requirements/simulators.txt)
        return ["  No demo SMTP server (pip install aiosmtpd); set one in Config → Main → Email."]
    maildir = host.config.instance_path / "demo-mail"
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                                "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    atexit.register(process.terminate)
    with host.db.transaction() as session:
        store = SettingsStore(session, host.box)
        if not store.values(NAMESPACE, SETTINGS)["smtp_host"]:
            values = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
                      "sender_name": "Demo ISP billing", "sender_address": "billing@demo-isp.example"}
            store.save(NAMESPACE, SETTINGS, values, actor="demo")
    return [f"  E-mail:          a local SMTP server on 127.0.0.1:{port} keeps what is sent in {maildir} "
            "(Config → Main → Email points at it)"]


@click.command()
@click.option("--host", "bind", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--smtp-port", default=DEMO_SMTP_PORT, show_default=True, type=int,
              help="Port of the demo's local SMTP server (0: none).")
@click.option("--no-serve", is_flag=True, help="Seed and print the credentials, then exit.")
@click.option("--plugins", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of add-on source trees to build the wheelhouse from (the Add-ons page installs them).")
@click.option("--simulator-port", "simulator_ports", multiple=True, metavar="ADDON=PORT",
              help="Port of a gateway simulator, e.g. ippay=8122 (repeatable; default: the ports after --port, "
                   "in add-on id order).")
@click.pass_obj
def demo(obj, bind: str, port: int, no_serve: bool, plugins: Path | None, smtp_port: int,
         simulator_ports: tuple[str, ...]) -> None:
    """Seed demo data (admin, customers, invoices), start the gateway simulators and a local SMTP server, and serve the web app."""
    from ..demo import ADMIN_LOGIN, ADMIN_PASSWORD, CUSTOMER_PASSWORD, AddonDemoData, seed_demo

    host = obj.host
    found = simulators.find_simulators(plugins) if plugins is not None and not no_serve else []
    ports = simulators.assign_ports(found, simulators.parse_ports(simulator_ports, found), after=port,
                                    taken={port, smtp_port})
    if not no_serve:  # every port is checked before anything starts
        simulators.ensure_free(bind, port, "The demo")
        for sim in found:
            simulators.ensure_free(bind, ports[sim.addon_id], f"The {sim.addon_id} simulator")
    if plugins is not None:
        build_demo_wheelhouse(host, plugins)
    prepare_database(host)
    with host.db.transaction() as session:
        created = seed_demo(session)
    base = f"http://{bind}:{port}"
    click.echo("Demo data " + ("created." if created else "already present."))
    click.echo(f"  Admin UI:        {base}/admin/   login {ADMIN_LOGIN} / password {ADMIN_PASSWORD}")
    click.echo(f"  Customer portal: {base}/portal/  login demo01 … demo30 / password {CUSTOMER_PASSWORD}")
    click.echo(f"  Add-ons:         {base}/admin/config/integrations/add-ons")
    if not no_serve:
        # a terminated demo still runs its exit handlers, which stop the simulators
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        started = simulators.start(found, bind, ports, host.config.instance_path / "simulators")
        for sim in started:
            click.echo(f"  Simulator ({sim.addon_id}): {sim.url}  → after installing the add-on, set its Gateway URL "
                       "(Modules list → Edit) to this address")
            if sim.credentials:
                click.echo(f"    with its test credentials: {sim.credentials}")
        for note in start_mail_sink(host, smtp_port) if smtp_port else ():
            click.echo(note)
        # gateway add-ons save test cards at their simulators for a few customers (now, and when installed)
        addon_data = AddonDemoData(host, {sim.addon_id: sim.url for sim in started}, say=click.echo)
        addon_data.add_installed()
        host.registry.after_install.append(addon_data.add)
        run_server(host, bind, port)
