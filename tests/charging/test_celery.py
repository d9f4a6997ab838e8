"""Charge batches on Celery: two ``splynx worker`` processes on the local Redis charge 1,000
invoices, and one of them is killed (SIGKILL, no clean-up) halfway through.

Every invoice must be charged exactly once by the gateway's own ledger, booked once by the
host, and the batch must finish: the surviving worker takes over the dead one's chunks when
their leases run out and re-asks the gateway about its charges in flight.

Runs against the fakepay gateway server, and against splynx-ippay's simulator when the
``splynx_ippay`` distribution is installed. Redis database 5 is this suite's
(``SPLYNX_TEST_REDIS_URL`` overrides it); it is flushed before and after. A smaller run
checks a worker on RabbitMQ (``SPLYNX_TEST_AMQP_URL``).
"""

from __future__ import annotations

import os
import time
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from hostapp.models import ChargeChunk, Invoice, Payment, PaymentAttempt
from hostapp.services.charging import ChargeFilters, ChargeService
from tests.charging.conftest import approved_per_invoice, request, wait_finished
from tests.charging.gateways import gateway_class
from tests.charging.processes import Worker, host_env
from tests.charging.seed import seed_invoices

redis = pytest.importorskip("redis")
pytest.importorskip("celery")

REDIS_URL = os.environ.get("SPLYNX_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
INVOICES = 1000
LATENCY = 0.05


@pytest.fixture
def broker():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (CI starts one: .ci/run)")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


@pytest.fixture(params=["fakepay", "ippay"])
def gateway(request, host, install_addon):
    if request.param == "ippay":
        pytest.importorskip("splynx_ippay")
    running = gateway_class(request.param)(host, install_addon, LATENCY)
    yield running
    running.stop()


def test_two_workers_charge_1000_invoices_exactly_once_with_one_killed_halfway(
        host, gateway, broker, fakepay_dist, database_url, instance_dir, tmp_path):
    seeded = gateway.seed(INVOICES)
    settings = {"charge_lanes": 4, "charge_concurrency": 8, "charge_chunk_size": 25, "charge_lease_seconds": 3}
    env = host_env(database_url, instance_dir, fakepay_dist, SPLYNX_BROKER_URL=broker, **gateway.env(),
                   **{f"SPLYNX_{key.upper()}": str(value) for key, value in settings.items()})
    workers = [Worker(env, f"charge{n}", tmp_path) for n in (1, 2)]
    try:
        for worker in workers:
            worker.wait_ready()
        host.config = replace(host.config, broker_url=broker, **settings)
        service = ChargeService(host)
        day = seeded.issued
        batch_id = service.charge(request(ChargeFilters(period_from=day, period_to=day), handler=gateway.handler))

        deadline = time.monotonic() + 120
        while sum(gateway.approved_per_invoice().values()) < INVOICES // 2:
            assert time.monotonic() < deadline, "the workers did not get halfway"
            time.sleep(0.05)
        workers[0].kill()

        summary = wait_finished(service, batch_id, timeout=300)
    finally:
        for worker in workers:
            worker.stop()
    logs = "\n".join(w.log_path.read_text()[-3000:] for w in workers)
    assert (summary.status, summary.approved, summary.items) == ("ready", INVOICES, INVOICES), logs
    assert gateway.approved_per_invoice() == {invoice_id: 1 for invoice_id in seeded.invoice_ids}
    with host.db.reading() as s:
        assert set(s.execute(select(Invoice.status).where(Invoice.id.in_(seeded.invoice_ids))).scalars()) == {"paid"}
        assert s.execute(select(func.count()).select_from(Payment)).scalar_one() == INVOICES
        assert s.execute(select(func.count()).select_from(PaymentAttempt)).scalar_one() == INVOICES
        owners = {owner.split(":")[1] for owner in s.execute(select(ChargeChunk.owner)).scalars()}
        taken_over = s.execute(select(func.count()).where(ChargeChunk.claims > 1)).scalar_one()
    assert owners == {str(w.process.pid) for w in workers}  # both machines' worth of workers charged
    assert taken_over >= 1  # the dead worker's chunk was finished by the other one
    if gateway.max_in_flight() is not None:
        assert gateway.max_in_flight() <= settings["charge_concurrency"]


AMQP_URL = os.environ.get("SPLYNX_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


@pytest.fixture
def rabbitmq():
    from kombu import Connection

    from hostapp.services.charging.celery_app import QUEUE

    def purge() -> None:  # the workers declare the queue afresh
        with Connection(AMQP_URL, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
            connection.default_channel.queue_delete(QUEUE)

    try:
        purge()
    except Exception as exc:  # noqa: BLE001 - any connection failure means no broker here
        pytest.skip(f"no RabbitMQ at {AMQP_URL}: {exc}")
    yield AMQP_URL
    purge()


def test_a_worker_on_rabbitmq_charges_a_batch(charging, host, rabbitmq, http_gateway, fakepay_dist, database_url,
                                              instance_dir, tmp_path):
    seeded = seed_invoices(host.db, gateway="fakepay", count=60)
    settings = {"charge_lanes": 2, "charge_chunk_size": 10}
    env = host_env(database_url, instance_dir, fakepay_dist, SPLYNX_BROKER_URL=rabbitmq, FAKEPAY_URL=http_gateway.url,
                   **{f"SPLYNX_{key.upper()}": str(value) for key, value in settings.items()})
    worker = Worker(env, "rabbit1", tmp_path)
    try:
        worker.wait_ready()
        host.config = replace(host.config, broker_url=rabbitmq, **settings)
        service = ChargeService(host)
        batch_id = service.charge(request(ChargeFilters(period_from=seeded.issued, period_to=seeded.issued)))
        summary = wait_finished(service, batch_id, timeout=120)
    finally:
        worker.stop()
    assert (summary.status, summary.approved) == ("ready", 60), worker.log_path.read_text()[-3000:]
    assert approved_per_invoice(http_gateway) == {invoice_id: 1 for invoice_id in seeded.invoice_ids}
