"""Portal dashboard throughput with three widget entry points, next to a bare Flask page.

Both apps are served the same way in a child process and loaded by the same client in the same
run, twice: by werkzeug's threaded server, and by gunicorn with the settings the splynx-host
package installs (``packaging/debian/splynx-host/debian/extra/gunicorn.conf.py``: one worker,
eight threads; only its address, folder and access log are the benchmark's). The second is how
the product is served. Run: ``.venv/bin/python benchmarks/portal_dashboard.py``.

Measured at load 0.7 on the 2-core development machine, one run after the other: before the
configuration cache 87.8 req/s against 1,209.6 bare (0.07x); after it (entry points and portal
settings cached per configuration generation, one query for the unpaid counts, no new cookie
on every response) 159.5 req/s against 1,084.9 (0.15x).

Then, with a CI run busy on the same machine (load average 3.0-3.6), the code before and after
run in turns, three times each: before 140.3 / 658.1 (0.21x), 133.6 / 554.0 (0.24x), 149.0 /
576.3 (0.26x); after 220.0 / 606.2 (0.36x), 213.8 / 617.1 (0.35x), 191.7 / 516.7 (0.37x). With
the kept hook callers too, again in turns (load average 2.9-4.4): before 154.3 / 978.5 (0.16x),
191.3 / 733.2 (0.26x), 155.5 / 733.8 (0.21x); after 205.4 / 629.9 (0.33x), 218.6 / 664.4
(0.33x), 144.9 / 516.3 (0.28x): at this load a run varies more than that change weighs. What
changed: the portal sidebar is rendered once per menu and current page and then reused; the
customer and the configuration generation come in one query (BEGIN, that query, the unpaid
counts, ROLLBACK is all a dashboard sends); a session cookie's signature is checked once per
cookie value (its age on every request); the signed CSRF token is made once per session; no
Flask-Limiter hooks run (the attempt counters use ``limits`` directly); add-ons are asked once,
not twice, whether a portal point is visible, and a hook called on one add-on reuses its
pluggy caller. The goal (0.5x) is not met: what a request still costs is the customer's ORM
load, rendering the layout and the three sandboxed widgets (each through a pluggy hook call),
and Flask's request and session handling; each SQLite call and socket write also lets the
other server threads take the GIL first. On the merged tree, at load 2.9: 196.8 req/s against
721.1 bare (0.27x).

Next, work every dashboard request repeated: SQLite transactions begin in the dialect, not in
a ``begin`` event (an engine with a connection event listener dispatches every statement
through it); the unpaid condition binds its two statuses (no expanding ``IN`` rendered again
on every execution); templates and sandboxed widgets read their environment's globals through
a read-only view instead of a ``ChainMap`` copied on every render; each distinct icon's markup
is made once; add-ons without ``splynx_entry_point_visible`` are not called per point; an
add-on's identity is made once per module name; the NUL guard reads ``request.form`` only for
form bodies. The page is byte for byte the same. Counted with callgrind (instructions, which
the machine's load does not change): a dashboard request through Flask's test client went
from 5.61 to 4.56 million instructions (-19%; the bare page is 0.80 million), the same request
through the werkzeug server from 5.99 to 5.02 million (the bare page 1.04 million). Timed, in
turns with the code before on a quiet machine (load average 0.5-1.7): before 279.3 / 984.2
(0.28x), 275.5 / 1,007.9 (0.27x), 273.3 / 971.1 (0.28x); after 342.4 / 963.7 (0.36x), 312.1 /
968.5 (0.32x), 279.9 / 957.3 (0.29x). With the machine busy (load average 3.3-4.9) the ratio
moved between 0.19 and 0.33 for either and the runs could not tell them apart. The goal is
still not met: what a request costs now is mostly SQLAlchemy (the session, the pooled
connection, the customer's ORM load and the counts: about 40%), Jinja rendering the three
templates and the flash macro (about 20%), the three widgets through pluggy and the sandbox
(about 10%) and Flask's own request handling. The bare page is bound by its latency (its
server used about 70% of a core), so the dashboard would need about 3.2 million instructions
per request to reach 0.5x at such a load, and fewer on a quiet machine.

Then, trims of what every dashboard request repeats: the unpaid counts are columns (correlated
subqueries) of the query that loads the customer, so a dashboard sends BEGIN, one SELECT,
ROLLBACK; templates build a page's fixed URLs (an endpoint alone or a static file) once per
app; Flask-WTF's CSRF check runs only for the methods it checks (a GET skips its exemption
look-ups); Flask's question whether a view or hook is ``async def`` (about fifteen per page) is
answered once per function; ``code_widgets`` does nothing for an empty slot; a user already
looked up is read from ``g`` with one look-up; a verified session cookie's data is copied
without ``deepcopy``. The page is byte for byte the same. Counted with callgrind: a dashboard
request through Flask's test client went from 4.57 to 4.13 million instructions (-10%), through
the werkzeug server from 4.85 to 4.42 million (the bare page 1.02 million). Timed in turns with
the code before, the machine busy with other work (load average 3.8-5.4): before 465.7 / 1,069.8
(0.44x), 441.4 / 1,118.6 (0.39x), 459.9 / 613.9 (0.75x); after 473.1 / 866.2 (0.55x), 488.4 /
1,031.8 (0.47x), 424.9 / 680.8 (0.62x): at that load the bare page's rate, and with it the
ratio, swings more than the change weighs, so these runs do not show the goal met. By the
instruction counts it is not: 0.5x on a quiet machine needs about 2.5 million instructions per
request through the server. What a request costs now, through the test client: the request
session and its pooled connection (about 0.3 million: session, BEGIN, ROLLBACK, check-in) and
the ORM load of the customer with the counts (about 0.65 million; the same statement through
Core costs half, its raw execution 0.02 million, but add-ons and templates are given the ORM
``Customer``, and building one by hand and adding it to the session costs more than the ORM
load); the three sandboxed widgets through pluggy (about 0.1 million each); working out the
request's entry points (0.19 million); Jinja running the three-level template chain and its
context processors (about 0.6 million); Flask's and werkzeug's request handling (about 1.3
million, the bare page's share included).

On the merged tree, the machine quiet (load average 0.6-1.5): 505.9 / 1,572.7 (0.32x) and 566.5 /
1,611.4 (0.35x). The goal is not met: with the machine to itself the bare page answers faster
than at load, and the ratio is what the instruction counts say.

Then served the way the issue measured it as well: by gunicorn with the package's settings. The
machine was busy (another job, or the hypervisor taking a third of the CPU as steal time), so
the figures are wide, and they part clearly. Gunicorn answers the bare page at 1,391-2,397 req/s
where werkzeug's server answers 530-1,394, because it spends less Python of its own per
request; the dashboard gains much less (292-701 req/s against 244-519), so its ratio is the
lower one: 0.20 (load 3.0), 0.20 (2.2), 0.21 (1.4, with 33% steal), and 0.29 / 0.31 in a
standalone run (2.2-2.7), against werkzeug's 0.37, 0.46 and 0.55 in the same runs. The 0.55
came when the bare page alone fell to 570 req/s; it is not a met goal. The goal is not met by
either server.

What the dashboard's work is made of, counted in instructions per request through Flask's test
client (4.15 M; 4.06 M once start-up froze the imported modules for the garbage collector), by
taking one part away at a time: a bare Flask page 0.83 M; the host's hooks, cookie session and
teardown without a login 0.39 M; checking the login and loading the ``Customer`` with the counts
1.16 M (the same statement through Core on the same session 0.66 M, of which the session and
its connection are 0.34 M); the portal settings and the request's entry points 0.26 M;
rendering's context processors 0.09 M; the layout chain itself about 0.96 M; the three widgets
0.46 M (their hook calls through pluggy 0.12 M, the sandboxed templates 0.23 M, placing them
0.11 M). A dashboard built without the ORM at all (the customer read through Core into a plain
object, the same templates and widgets, the page byte for byte the same) counts 3.56 M: 14%
less. By the werkzeug figures 0.5x needs about 2.4 M through the test client, and gunicorn's
smaller share of its own asks for no more: below what Flask, Jinja and one query leave once a
page does any work of this kind. Reaching it would take serving a stored rendering of the page,
checked against the customer's data, which would need each add-on widget to say when its
output changes; the hook contract has no such statement today.
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

from benchmarks._load import requests_per_second  # noqa: E402

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


def measure(server: str, seconds: float, clients: int) -> tuple[float, float]:
    """Requests per second of the dashboard and of the bare page, both served by ``server``."""
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
        host_url, bare_url = urls
        cookie = login_cookie(host_url)
        time.sleep(0.5)
        dashboard = requests_per_second(f"{host_url}/portal/", seconds=seconds, clients=clients,
                                        headers={"Cookie": cookie})
        bare = requests_per_second(f"{bare_url}/", seconds=seconds, clients=clients)
        for process in processes:
            os.kill(process.pid, signal.SIGINT if server == "gunicorn" else signal.SIGTERM)
            process.join(30)
    return dashboard, bare


def main(seconds: float = 5.0, clients: int = 4) -> None:
    for server, label in (("werkzeug", "werkzeug threaded server"),
                          ("gunicorn", "the package's gunicorn settings (1 worker, 8 threads)")):
        dashboard, bare = measure(server, seconds, clients)
        print(f"served by {label}:")
        print(f"  portal dashboard, 3 widget entry points: {dashboard:8.1f} req/s")
        print(f"  bare Flask page, same server and client: {bare:8.1f} req/s")
        print(f"  ratio dashboard / bare:                  {dashboard / bare:8.2f} "
              f"(goal >= 0.5: {'met' if dashboard / bare >= 0.5 else 'NOT met'}; "
              f"load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
