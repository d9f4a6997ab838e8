"""Bulk charging: N invoices against a gateway answering in L seconds, next to its bound and to
charging them one after another, in the same run.

The bound is N × L / C: no runner can beat a gateway that takes L per request with C requests
in flight. "One after another" is the same batch runner with concurrency 1 (same database
work, one gateway request at a time), over a second set of N invoices.

The gateway is splynx-ippay's simulator when the ``splynx_ippay`` distribution is installed
and its simulator takes a latency option; otherwise the fakepay test add-on against its HTTP
gateway server (``tests/plugins/fakepay_server.py``, which sleeps L per request). Either runs
in its own process; the output says which. Every run checks the gateway's own ledger: each
invoice charged exactly once. It also prints the load average before and after, and the CPU
time per invoice of the host (this process or the workers), the database server and the
gateway.

Run: ``.venv/bin/python benchmarks/bulk_charge.py`` (10,000 invoices, 50 ms, concurrency 8;
about ten minutes, most of it the one-after-another run). Options: ``--invoices``,
``--latency``, ``--concurrency``, ``--database-url`` (MariaDB/PostgreSQL), ``--workers K
--broker URL`` (charge the first set on K Celery worker processes instead of in-process),
``--no-sequential`` (skip the one-after-another run). Goals and measured figures:
``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks._cpu import group_cpu_seconds, process_cpu_seconds, server_cpu_seconds  # noqa: E402
from core.manager import AddonManager  # noqa: E402
from hostapp.config import HostConfig  # noqa: E402
from hostapp.host import Host  # noqa: E402
from hostapp.services.bootstrap import prepare_database  # noqa: E402
from hostapp.services.charging import BatchRequest, ChargeFilters, ChargeService  # noqa: E402
from tests.charging.gateways import FakepayGateway, IppayGateway  # noqa: E402
from tests.charging.processes import Worker, fakepay_distribution, host_env  # noqa: E402

#: the goal for a batch's wall time over its bound, per setup: (database, worker processes, invoices, concurrency)
WALL_GOALS = {("sqlite", 0, 10_000, 8): 1.15, ("postgresql", 2, 10_000, 8): 1.2, ("postgresql", 4, 100_000, 32): 1.3}
#: the goal for the host's CPU time per invoice on PostgreSQL, in milliseconds
HOST_CPU_GOAL_MS = 2.0


def goal_lines(database: str, workers: int, invoices: int, concurrency: int, over_bound: float,
               host_cpu_ms: float) -> list[str]:
    """The goals this setup has, each with whether the run met it."""
    lines = []
    wall_goal = WALL_GOALS.get((database, workers, invoices, concurrency))
    if wall_goal is not None:
        lines.append(f"goal: wall <= {wall_goal}x the bound: {'met' if over_bound <= wall_goal else 'NOT met'}")
    if database == "postgresql":
        lines.append(f"goal: host CPU <= {HOST_CPU_GOAL_MS} ms per invoice: "
                     f"{'met' if host_cpu_ms <= HOST_CPU_GOAL_MS else 'NOT met'}")
    return lines


def ippay_simulator_latency_flag() -> bool:
    """Whether splynx-ippay is installed and its simulator can answer slowly (``--latency``)."""
    try:
        import splynx_ippay  # noqa: F401
    except ImportError:
        return False
    usage = subprocess.run([sys.executable, "-m", "splynx_ippay.simulator", "--help"], capture_output=True, text=True)
    return "--latency" in usage.stdout


def start_gateway_process(latency: float) -> tuple[str, str, subprocess.Popen]:
    """(kind, url, process) of a gateway in its own process."""
    if ippay_simulator_latency_flag():
        port = 18000 + os.getpid() % 1000
        process = subprocess.Popen([sys.executable, "-m", "splynx_ippay.simulator", "--port", str(port),
                                    "--latency", str(latency)], stdout=subprocess.PIPE, text=True)
        process.stdout.readline()
        return "ippay", f"http://127.0.0.1:{port}/ippay", process
    process = subprocess.Popen([sys.executable, "-m", "tests.plugins.fakepay_server", "--latency", str(latency)],
                               cwd=REPO, stdout=subprocess.PIPE, text=True)
    return "fakepay", process.stdout.readline().strip(), process


def build_host(instance: Path, database_url: str, concurrency: int) -> Host:
    config = HostConfig(instance_path=instance, database_url=database_url or f"sqlite:///{instance / 'bench.db'}",
                        session_secret="benchmark", charge_concurrency=concurrency)
    manager = AddonManager()
    manager.discover()
    host = Host.build(config, addons=manager)
    if database_url:
        from splynx_testing.fixtures import _drop_everything

        _drop_everything(host.db)
    prepare_database(host)
    return host


#: seconds between two ``ANALYZE`` runs standing in for PostgreSQL's autovacuum when the server has it off
ANALYZE_EVERY_SECONDS = 15


def autovacuum_off(host: Host) -> bool:
    """Whether the database is a PostgreSQL server running without autovacuum (its default is on)."""
    if host.db.engine.dialect.name != "postgresql":
        return False
    with host.db.engine.connect() as connection:
        return connection.exec_driver_sql("SHOW autovacuum").scalar_one() != "on"


class Analyzer(threading.Thread):
    """Stands in for autovacuum's analyses on a server that has it off: ``ANALYZE`` every
    :data:`ANALYZE_EVERY_SECONDS` while the batch runs, so the planner knows the tables as they
    grow, as on a server with PostgreSQL's defaults. Its CPU is counted with the server's."""

    def __init__(self, host: Host) -> None:
        super().__init__(name="analyzer", daemon=True)
        self.engine = host.db.engine
        self.stopped = threading.Event()

    def analyze(self) -> None:
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")

    def run(self) -> None:
        while not self.stopped.wait(ANALYZE_EVERY_SECONDS):
            self.analyze()

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def install(host):
    """Register a test add-on (unless installed as a distribution) and sync it, as an install would."""

    def _install(plugin) -> None:
        if plugin.MANIFEST.id not in host.addons.loaded:
            host.addons.register(plugin, version="1.0")
        report = host.registry.sync("benchmark")
        assert not report.failed, report.failed

    return _install


def app_cpu_seconds(workers: list[Worker]) -> float:
    """CPU seconds of the host application: this process, or the worker processes charging."""
    if workers:
        return group_cpu_seconds([w.process.pid for w in workers])
    return time.process_time()


@dataclass
class CpuMeter:
    """CPU seconds used during the charge by the host, the database server and the gateway."""

    workers: list
    gateway_pid: int
    server: bool

    def read(self) -> tuple[float, float, float]:
        return (app_cpu_seconds(self.workers), server_cpu_seconds() if self.server else 0.0,
                process_cpu_seconds(self.gateway_pid))


#: seconds between two looks at a batch run by workers: what the Charge dialog's progress bar waits
#: (``static/js/app.js``), so the database also answers one administrator watching the batch
PROGRESS_POLL_SECONDS = 0.7


def charge(service: ChargeService, handler: str, day: date, concurrency: int, *, here: bool) -> float:
    """Wall seconds from pressing Charge until the batch is ready."""
    started = time.perf_counter()
    batch_id = service.create(BatchRequest(handler, ChargeFilters(period_from=day, period_to=day),
                                           created_by="benchmark"), concurrency=concurrency)
    if here:
        outcome = service.run_here(batch_id)
    else:
        service.start(batch_id)
        while not (summary := service.summary(batch_id)).finished:
            time.sleep(PROGRESS_POLL_SECONDS)
        outcome = summary.status
    wall = time.perf_counter() - started
    summary = service.summary(batch_id)
    assert outcome == "ready" and summary.approved == summary.items, summary
    return wall


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=0, help="Celery worker processes for the parallel run")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--no-sequential", action="store_true",
                        help="skip the one-after-another run (N x latency seconds)")
    args = parser.parse_args(argv)
    n, latency, concurrency = args.invoices, args.latency, args.concurrency

    instance = Path(tempfile.mkdtemp(prefix="bulk-charge-"))
    kind, url, gateway_process = start_gateway_process(latency)
    workers: list[Worker] = []
    try:
        host = build_host(instance, args.database_url, concurrency)
        gateway = (IppayGateway if kind == "ippay" else FakepayGateway)(host, install(host), latency, url=url)
        os.environ.update(gateway.env())
        today = date.today()
        seeded = [gateway.seed(n, issued=today)]
        if not args.no_sequential:
            seeded.append(gateway.seed(n, issued=today - timedelta(days=1)))
        service = ChargeService(host)
        analyzer = Analyzer(host) if autovacuum_off(host) else None
        if analyzer is not None:
            analyzer.analyze()  # what autovacuum does after the seed's bulk insert
        load = os.getloadavg()[0]

        if args.workers:
            env = host_env(args.database_url or host.config.sqlalchemy_url, instance,
                           fakepay_distribution(instance / "dist"), SPLYNX_BROKER_URL=args.broker,
                           SPLYNX_CHARGE_CONCURRENCY=str(concurrency), SPLYNX_CHARGE_LANES=str(args.workers),
                           **gateway.env())
            workers = [Worker(env, f"bench{k}", instance, concurrency=1) for k in range(args.workers)]
            for worker in workers:
                worker.wait_ready()
            host.config = replace(host.config, broker_url=args.broker, charge_lanes=args.workers)
            service = ChargeService(host)
        meter = CpuMeter(workers, gateway_process.pid, server=bool(args.database_url))
        cpu_before = meter.read()
        if analyzer is not None:
            analyzer.start()
        parallel = charge(service, gateway.handler, today, concurrency, here=not args.workers)
        if analyzer is not None:
            analyzer.stop()
        cpu, server_cpu, gateway_cpu = (after - before for after, before in zip(meter.read(), cpu_before))
        load_after = os.getloadavg()[0]
        host.config = replace(host.config, broker_url="")
        sequential = None
        if not args.no_sequential:
            sequential = charge(ChargeService(host), gateway.handler, today - timedelta(days=1), 1, here=True)

        ledger = gateway.approved_per_invoice()
        every = [i for s in seeded for i in s.invoice_ids]
        assert ledger == {invoice_id: 1 for invoice_id in every}, "an invoice was not charged exactly once"
        peak = gateway.max_in_flight()
    finally:
        for worker in workers:
            worker.stop()
        gateway_process.terminate()
        gateway_process.wait(10)

    bound, serial_bound = n * latency / concurrency, n * latency
    runner = (f"{args.workers} Celery worker processes ({args.broker})" if args.workers
              else f"in-process (one lane, {concurrency} gateway requests in flight)")
    print(f"Bulk charge: {n:,} invoices, gateway latency {latency * 1000:.0f} ms, concurrency {concurrency}")
    print(f"gateway:  {gateway.description}, in its own process"
          + ("" if kind == "ippay" else " (splynx_ippay with a simulator latency option is not installed)"))
    print(f"database: {host.db.engine.dialect.name}; runner: {runner}")
    print(f"machine:  {os.cpu_count()} CPUs, load average {load:.1f} at the start, {load_after:.1f} after the batch")
    if analyzer is not None:
        print(f"note:     this PostgreSQL server runs without autovacuum (its default is on); the benchmark ran "
              f"ANALYZE every {ANALYZE_EVERY_SECONDS} s in its place, after the seed and during the batch")
    print()
    print(f"{'':28}{'wall':>10}{'bound':>12}{'wall / bound':>14}")
    print(f"{'charge batch (C=' + str(concurrency) + ')':28}{parallel:>9.1f}s{bound:>11.1f}s{parallel / bound:>13.2f}x")
    if sequential is not None:
        print(f"{'one after another (C=1)':28}{sequential:>9.1f}s{serial_bound:>11.1f}s"
              f"{sequential / serial_bound:>13.2f}x")
    print()
    if sequential is not None:
        print(f"speed-up over one after another: {sequential / parallel:.1f}x")
    print(f"invoices per second: {n / parallel:.0f} (bound {n / bound:.0f})")
    print(f"CPU per invoice: host {cpu / n * 1000:.1f} ms ({'the worker processes' if workers else 'this process'}), "
          "database server " + (f"{server_cpu / n * 1000:.1f} ms (all its processes, other clients included)"
                                if args.database_url else "in the host (SQLite)")
          + f", gateway {gateway_cpu / n * 1000:.1f} ms")
    used, capacity = cpu + server_cpu + gateway_cpu, (os.cpu_count() or 1) * bound
    print(f"machine:  the batch used {used:.0f} CPU seconds; {os.cpu_count()} cores give {capacity:.0f} in the bound's "
          f"{bound:.1f} s, so the bound is {'within' if used <= capacity else 'beyond'} this machine's reach")
    print(f"check: {len(seeded) * n:,} approved charges in the gateway's ledger, each invoice exactly once"
          + (f"; at most {peak} requests in flight" if peak is not None else ""))
    for line in goal_lines(host.db.engine.dialect.name, args.workers, n, concurrency, parallel / bound, cpu / n * 1000):
        print(line)


if __name__ == "__main__":
    main()
