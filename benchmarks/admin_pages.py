"""Admin list pages at 1,000 and 1,000,000 invoices, next to a bare Flask page, in the same run.

Seeds each size with bulk SQL (``INSERT … SELECT`` over a generated series: 10 invoices a
customer, one customer in ten thousand per partner and location, a tenth of the invoices
unpaid) and gathers the planner's statistics as a server's background work keeps them
(PostgreSQL ``VACUUM ANALYZE``, MariaDB ``ANALYZE TABLE``), then requests each list page
through the application (Flask's test client, logged in as an administrator) and prints
p50/p95 latency and SQL queries per request for both sizes. The baseline is a bare Flask page
rendering 25 invoice rows from one query on the same database, measured in the same run. The
Charge dialog's Preview (this month's unpaid invoices, a tenth of all) is timed as the function
the dialog calls. Goals: a page's p95 at 1M ≤ 1.5× its p95 at 1k and ≤ 5× the bare page, ≤ 8
queries per page; the Preview in one pass (one query).

Run: ``.venv/bin/python benchmarks/admin_pages.py`` (SQLite in a temporary folder; under a
minute, seeding included; PostgreSQL and MariaDB take a few). Options: ``--sizes 1000
1000000``, ``--requests``, ``--database-url`` (PostgreSQL or MariaDB: its tables are dropped
and recreated per size). Measured figures: ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flask import Flask, render_template_string  # noqa: E402
from sqlalchemy import String, case, cast, event, insert, literal, select, text  # noqa: E402

from core.manager import AddonManager  # noqa: E402
from hostapp.app import create_app  # noqa: E402
from hostapp.config import HostConfig  # noqa: E402
from hostapp.host import Host  # noqa: E402
from hostapp.models import Admin, Customer, Invoice, Location, Partner  # noqa: E402
from hostapp.services.bootstrap import prepare_database  # noqa: E402
from hostapp.services.charging import ChargeFilters  # noqa: E402
from hostapp.services.charging.filters import preview  # noqa: E402
from hostapp.web.auth import hash_password  # noqa: E402

INVOICES_PER_CUSTOMER = 10
CUSTOMERS_PER_PARTNER = 10_000
MONTHS = [date(2026, month, 1) for month in range(1, 11)]
#: the baseline row: what every page is compared with, no goal of its own
BARE = "bare Flask page"
#: the Charge dialog's Preview: its goal is one pass over its selection (issue #16), which grows with the data
PREVIEW = "charge Preview"

PAGES = {
    "customers": "/admin/customers",
    "invoices p1": "/admin/finance/invoices",
    "invoices p1000": "/admin/finance/invoices?page=1000",
    "unpaid, this month": f"/admin/finance/invoices?status=not_paid&from={MONTHS[-1]}&to={MONTHS[-1]}",
    "paid, first month": f"/admin/finance/invoices?status=paid&from={MONTHS[0]}&to={MONTHS[0]}",
    "number search": "/admin/finance/invoices?q={number}",
    "charge dialog": f"/admin/finance/charge?kind=invoice&period_from={MONTHS[-1]}&period_to={MONTHS[-1]}",
    "payments": "/admin/finance/payments",
    "transactions": "/admin/finance/transactions",
}


def series(count: int):
    """A CTE of the integers 1..count (recursive: SQLite, MariaDB and PostgreSQL alike)."""
    numbers = select(literal(1).label("i")).cte("series", recursive=True)
    return numbers.union_all(select(numbers.c.i + 1).where(numbers.c.i < count))


def seed(host: Host, invoices: int) -> float:
    """Bulk-insert partners, locations, customers and invoices and gather their statistics; the seconds it took."""
    started = time.perf_counter()
    customers = max(1, invoices // INVOICES_PER_CUSTOMER)
    partners = max(1, customers // CUSTOMERS_PER_PARTNER)
    with host.db.engine.begin() as conn:
        if conn.dialect.name == "mysql":
            conn.execute(text("SET SESSION max_recursive_iterations = 4294967295"))
        for model in (Partner, Location):
            s = series(partners)
            conn.execute(insert(model).from_select(["name"], select(literal(f"{model.__name__} ").concat(
                cast(s.c.i, String)))))
        s = series(customers)
        owner = (s.c.i % partners) + 1
        conn.execute(insert(Customer).from_select(
            ["login", "password_hash", "name", "email", "phone", "status", "category", "billing_type", "street",
             "zip_code", "city", "partner_id", "location_id", "balance", "session_token", "created_at"],
            select(literal("c").concat(cast(s.c.i, String)), literal("!"), literal("Subscriber ").concat(
                cast(s.c.i, String)), literal("c@example.net"), literal(""), literal("active"), literal("person"),
                literal("recurring"), literal(""), literal("12345"), literal(""), owner, owner, literal(0),
                literal(""), literal(MONTHS[0]))))
        s = series(invoices)
        month = case({k: MONTHS[k] for k in range(len(MONTHS))}, value=s.c.i % len(MONTHS))
        unpaid = s.c.i % len(MONTHS) == len(MONTHS) - 1
        conn.execute(insert(Invoice).from_select(
            ["type", "added_by", "memo", "number", "status", "date_created", "date_till", "total", "due", "note",
             "customer_id", "created_at"],
            select(literal("recurring"), literal("system"), literal(""),
                   literal("2026").concat(cast(s.c.i + 10_000_000, String)),
                   case((unpaid, literal("not_paid")), else_=literal("paid")), month, month, literal(30),
                   case((unpaid, literal(30)), else_=literal(0)), literal(""),
                   ((s.c.i - 1) % customers) + 1, literal(MONTHS[0]))))
    gather_statistics(host.db.engine, [model.__tablename__ for model in (Partner, Location, Customer, Invoice)])
    return time.perf_counter() - started


def gather_statistics(engine, tables: list[str]) -> None:
    """Table statistics for the planner after the bulk insert, as a server's background work keeps them
    (this machine's PostgreSQL runs without autovacuum); SQLite plans without them, as it does in use."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {', '.join(tables)}"))
    elif engine.dialect.name == "mysql":
        with engine.connect() as conn:
            conn.execute(text(f"ANALYZE TABLE {', '.join(tables)}")).all()


def build(instance: Path, database_url: str) -> Host:
    config = HostConfig(instance_path=instance, database_url=database_url or f"sqlite:///{instance / 'pages.db'}",
                        session_secret="benchmark")
    host = Host.build(config, addons=AddonManager())
    if database_url:
        from splynx_testing.fixtures import _drop_everything

        _drop_everything(host.db)
    prepare_database(host)
    with host.db.transaction() as s:
        s.add(Admin(login="bench", name="Bench", password_hash=hash_password("bench-password")))
    return host


def bare_app(host: Host) -> Flask:
    """25 invoice rows from one query, rendered by a Jinja template: the floor of any list page."""
    app = Flask("bare")
    rows = "<table>{% for r in rows %}<tr><td>{{ r.number }}</td><td>{{ r.date_created }}</td>" \
           "<td>{{ r.total }}</td><td>{{ r.status }}</td></tr>{% endfor %}</table>"

    @app.get("/")
    def page():
        with host.db.reading() as session:
            found = session.execute(select(Invoice.number, Invoice.date_created, Invoice.total, Invoice.status)
                                    .order_by(Invoice.id.desc()).limit(25)).all()
        return render_template_string(rows, rows=found)

    return app


def measure(client, url: str, engine, requests: int) -> tuple[float, float, float]:
    """(p50 ms, p95 ms, queries per request) of ``requests`` GETs after a warm-up."""

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return measure_call(get, engine, requests)


def measure_call(call, engine, requests: int) -> tuple[float, float, float]:
    """(p50 ms, p95 ms, queries per call) of ``requests`` calls after a warm-up."""
    queries = [0]

    def count(*_args):
        queries[0] += 1

    for _ in range(3):
        call()
    timings = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(requests):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], queries[0] / requests


def run_size(invoices: int, database_url: str, requests: int) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="admin-pages-"))
    host = build(instance, database_url)
    seconds = seed(host, invoices)
    print(f"seeded {invoices:,} invoices in {seconds:.1f} s (load average {os.getloadavg()[0]:.1f})", flush=True)
    with host.db.reading() as s:
        number = s.execute(select(Invoice.number).order_by(Invoice.id.desc()).limit(1)).scalar_one()
    app = create_app(host)
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/admin/login", data={"csrf_token": token, "login": "bench",
                                             "password": "bench-password"}).status_code == 302
    figures = {name: measure(client, url.format(number=number), host.db.engine, requests)
               for name, url in PAGES.items()}
    this_month = ChargeFilters(period_from=MONTHS[-1], period_to=MONTHS[-1])

    def charge_preview() -> None:
        with host.db.reading() as session:
            assert preview(session, this_month).count == invoices // len(MONTHS)

    figures[PREVIEW] = measure_call(charge_preview, host.db.engine, requests)
    figures[BARE] = measure(bare_app(host).test_client(), "/", host.db.engine, requests)
    figures["load"] = os.getloadavg()[0]
    host.db.dispose()
    shutil.rmtree(instance)
    return figures


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=100,
                        help="requests per page and size (p95 of 100 is the fifth slowest; of 40 the second)")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    small, large = args.sizes
    at = {size: run_size(size, args.database_url, args.requests) for size in (small, large)}
    bare = at[large][BARE][1]
    print()
    print(f"database: {args.database_url.split('://')[0] if args.database_url else 'sqlite'}; "
          f"{args.requests} requests per page; load average {at[small]['load']:.1f} / {at[large]['load']:.1f}")
    print(f"{'page':22}{'p50 ' + f'{small:,}':>12}{'p95':>9}{'q/req':>7}{'p50 ' + f'{large:,}':>15}{'p95':>9}"
          f"{'q/req':>7}{'p95 ratio':>11}{'x bare':>8}  goal")
    for name in [*PAGES, PREVIEW, BARE]:
        s50, s95, sq = at[small][name]
        l50, l95, lq = at[large][name]
        print(f"{name:22}{s50:>10.1f}ms{s95:>7.1f}ms{sq:>7.1f}{l50:>13.1f}ms{l95:>7.1f}ms{lq:>7.1f}"
              f"{l95 / s95:>10.2f}x{l95 / bare:>7.1f}x  {goal(name, at[small][name], at[large][name], bare)}")


def goal(name: str, small: tuple, large: tuple, bare: float) -> str:
    """Whether a row met its goal: a page is flat in the data's size; the Preview, which sums every
    invoice it selects (a tenth of them), makes one pass over them."""
    (_, s95, sq), (_, l95, lq) = small, large
    if name == BARE:
        return "baseline"
    if name == PREVIEW:
        return "met (one pass)" if sq == lq == 1 else "NOT met (one pass)"
    return "met" if l95 <= 1.5 * s95 and l95 <= 5 * bare and lq <= 8 else "NOT met"


if __name__ == "__main__":
    main()
