"""``splynx serve`` and ``splynx demo``."""

import click

from ..services.bootstrap import prepare_database


def run_server(host, bind: str, port: int) -> None:
    from werkzeug.serving import run_simple

    from ..app import create_app
    from ..services.charging.service import ResumeWatch

    if not host.config.broker_url:  # charge batches run in this process: carry on interrupted ones
        ResumeWatch(host, "serve").start()
    run_simple(bind, port, create_app(host), threaded=True, use_reloader=False)


@click.command()
@click.option("--host", "bind", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int)
@click.pass_obj
def serve(obj, bind: str, port: int) -> None:
    """Run the web app with the built-in server (use gunicorn in production)."""
    prepare_database(obj.host)
    run_server(obj.host, bind, port)


@click.command()
@click.option("--host", "bind", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Seed and print the credentials, then exit.")
@click.pass_obj
def demo(obj, bind: str, port: int, no_serve: bool) -> None:
    """Seed demo data (admin, customers, invoices) and serve the web app."""
    from ..demo import ADMIN_LOGIN, ADMIN_PASSWORD, CUSTOMER_PASSWORD, seed_demo

    host = obj.host
    prepare_database(host)
    with host.db.transaction() as session:
        created = seed_demo(session)
    base = f"http://{bind}:{port}"
    click.echo("Demo data " + ("created." if created else "already present."))
    click.echo(f"  Admin UI:        {base}/admin/   login {ADMIN_LOGIN} / password {ADMIN_PASSWORD}")
    click.echo(f"  Customer portal: {base}/portal/  login demo01 … demo30 / password {CUSTOMER_PASSWORD}")
    if not no_serve:
        run_server(host, bind, port)
