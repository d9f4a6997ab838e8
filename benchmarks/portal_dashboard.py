"""Portal dashboard throughput with three widget entry points, next to a bare Flask page.

Both apps are served the same way in a child process and loaded by the same client in the same
run, twice: by werkzeug's threaded server, and by gunicorn with the settings the splynx-host
package installs (``packaging/debian/splynx-host/debian/extra/gunicorn.conf.py``: one worker,
eight threads; only its address, folder and access log are the benchmark's). The second is how
the product is served. For each page it prints requests per second and the CPU time the server
(its process and workers) spent per request; the goal is the dashboard at 0.5x the bare page's
requests per second or more. Run: ``.venv/bin/python benchmarks/portal_dashboard.py``.
Measured figures and where a request's time goes: ``benchmarks/README.md``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._cpu import tree_cpu_seconds  # noqa: E402
from benchmarks._load import load  # noqa: E402

WIDGETS = """
from core import AddonManifest, EntryPoint, ModuleSpec, hookimpl
from core.entry_points import render_code

MANIFEST = AddonManifest(id="bench", title="Benchmark widgets")

@hookimpl
def splynx_configure_module():
    '''No settings.'''
    return ModuleSpec(title="Benchmark widgets")

@hookimpl
def splynx_register_entry_points():
    '''Three dashboard widgets.'''
    return [EntryPoint(name=f"bench_{n}", place="portal", type="code", root="dashboard", enabled=True,
                       title=f"Widget {n}", code="<p>{{ customer.name }} owes {{ customer.balance }}</p>")
            for n in range(3)]

@hookimpl
def splynx_render_entry_point(point, context):
    '''Render the stored template.'''
    return render_code(point, customer=context["customer"])
"""


#: the dashboard's requests per second against the bare page's, at least
RATIO_GOAL = 0.5

#: the gunicorn settings the splynx-host package serves the web UI with (``splynx-web``)
PACKAGED_GUNICORN = Path(__file__).resolve().parent.parent / "packaging/debian/splynx-host/debian/extra/gunicorn.conf.py"
#: packaged settings that name the installed system's address, folders and log, not how requests are served
SYSTEM_SETTINGS = {"bind", "chdir", "accesslog"}


def quiet() -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def host_app(instance: str):
    """The host with the three-widget add-on and one customer, on SQLite in ``instance``."""
    import importlib.util

    from core.manager import AddonManager
    from hostapp.app import create_app
    from hostapp.config import HostConfig
    from hostapp.host import Host
    from hostapp.services.bootstrap import prepare_database
    from hostapp.web.auth import hash_password
    from hostapp.models import Customer, Location, Partner

    path = Path(instance) / "splynx_bench_widgets.py"
    path.write_text(WIDGETS)
    spec = importlib.util.spec_from_file_location("splynx_bench_widgets", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    manager = AddonManager()
    manager.register(module, version="1.0")
    host = Host.build(HostConfig(instance_path=Path(instance), database_url=f"sqlite:///{instance}/bench.db",
                                 session_secret="bench"), addons=manager)
    prepare_database(host)
    with host.db.transaction() as s:
        partner, location = Partner(name="P"), Location(name="L")
        s.add_all([partner, location])
        s.flush()
        s.add(Customer(login="bench", password_hash=hash_password("bench-password"), name="Bench Customer",
                       partner_id=partner.id, location_id=location.id))
    host.db.dispose()  # a forked server process opens its own connections
    return create_app(host)


def bare_app():
    """A Flask page that answers a constant string."""
    from flask import Flask

    app = Flask("bare")

    @app.get("/")
    def index():
        return "<!doctype html><title>bare</title><p>Hello</p>"

    return app


def serve(make_app, args: tuple, server: str, port_queue) -> None:
    """Serve ``make_app(*args)`` with werkzeug's threaded server or with the packaged gunicorn settings."""
    app = make_app(*args)
    if server == "werkzeug":
        from werkzeug.serving import make_server

        quiet()
        httpd = make_server("127.0.0.1", 0, app, threaded=True)
        port_queue.put(httpd.socket.getsockname()[1])
        httpd.serve_forever()
    else:
        port = free_port()
        port_queue.put(port)
        packaged_gunicorn(app, port).run()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def packaged_gunicorn(app, port: int):
    """A gunicorn server for ``app`` on ``port`` with the package's settings (workers, threads, timeout)."""
    import runpy

    from gunicorn.app.base import BaseApplication

    class PackagedServer(BaseApplication):
        def load_config(self):
            for name, value in runpy.run_path(str(PACKAGED_GUNICORN)).items():
                if name in self.cfg.settings and name not in SYSTEM_SETTINGS:
                    self.cfg.set(name, value)
            self.cfg.set("bind", f"127.0.0.1:{port}")
            self.cfg.set("loglevel", "warning")

        def load(self):
            return app

    return PackagedServer()


def login_cookie(base: str) -> str:
    import re
    import urllib.request
    from http.cookiejar import CookieJar

    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/portal/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = f"csrf_token={token}&login=bench&password=bench-password".encode()
    opener.open(f"{base}/portal/login", data=data).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def wait_until_up(url: str) -> None:
    import urllib.error
    import urllib.request

    for _ in range(300):
        try:
            urllib.request.urlopen(url).read()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def served(server_pid: int, url: str, seconds: float, clients: int, headers: dict | None = None
           ) -> tuple[float, float]:
    """Requests per second of ``url``, and the CPU seconds its server process ``server_pid`` (with
    its workers) spent per request meanwhile."""
    before = tree_cpu_seconds(server_pid)
    run = load(url, seconds=seconds, clients=clients, headers=headers)
    return run.rate, (tree_cpu_seconds(server_pid) - before) / run.requests


def measure(server: str, seconds: float, clients: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """(requests per second, server CPU seconds per request) of the dashboard and of the bare
    page, both served by ``server``, loaded one after the other."""
    queue = multiprocessing.Queue()
    with tempfile.TemporaryDirectory() as instance:
        processes = []
        urls = []
        for make_app, args, path in ((host_app, (instance,), "/portal/login"), (bare_app, (), "/")):
            process = multiprocessing.Process(target=serve, args=(make_app, args, server, queue), daemon=True)
            process.start()
            processes.append(process)
            urls.append(f"http://127.0.0.1:{queue.get(timeout=60)}")
            wait_until_up(urls[-1] + path)
        (host, bare), (host_url, bare_url) = processes, urls
        cookie = login_cookie(host_url)
        time.sleep(0.5)
        dashboard = served(host.pid, f"{host_url}/portal/", seconds, clients, headers={"Cookie": cookie})
        bare_page = served(bare.pid, f"{bare_url}/", seconds, clients)
        for process in processes:
            os.kill(process.pid, signal.SIGINT if server == "gunicorn" else signal.SIGTERM)
            process.join(30)
    return dashboard, bare_page


def main(seconds: float = 5.0, clients: int = 4) -> None:
    for server, label in (("werkzeug", "werkzeug threaded server"),
                          ("gunicorn", "the package's gunicorn settings (1 worker, 8 threads)")):
        (dashboard, dashboard_cpu), (bare, bare_cpu) = measure(server, seconds, clients)
        ratio = dashboard / bare
        print(f"served by {label}:")
        for name, rate, cpu in (("portal dashboard, 3 widget entry points", dashboard, dashboard_cpu),
                                ("bare Flask page, same server and client", bare, bare_cpu)):
            print(f"  {name}: {rate:8.1f} req/s, server CPU {cpu * 1e6:6.0f} us a request")
        print(f"  ratio dashboard / bare:                  {ratio:8.2f} "
              f"(goal >= {RATIO_GOAL}: {'met' if ratio >= RATIO_GOAL else 'NOT met'}; "
              f"CPU a request bare / dashboard {bare_cpu / dashboard_cpu:.2f}; "
              f"load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
