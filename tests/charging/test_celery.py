"""Charge batches on Celery: two ``splynx worker`` processes on the local Redis charge 1,000
invoices, and one of them is killed (SIGKILL, no clean-up) halfway through.

Every invoice must be charged exactly once by the gateway's own ledger, booked once by the
host, and the batch must finish: the surviving worker takes over the dead one's chunks when
their leases run out and re-asks the gateway about its charges in flight.

Runs against the fakepay gateway server, and against splynx-ippay's simulator. The workers
use the local Redis (database 5, ``SPLYNX_TEST_REDIS_URL`` overrides it) and, in a smaller
run, RabbitMQ (``SPLYNX_TEST_AMQP_URL``). Other test runs may share both brokers: every
name this run puts there starts with a prefix carrying the run's id, and only those names
are deleted afterwards.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from hostapp.models import ChargeChunk, Invoice, Payment, PaymentAttempt
from hostapp.services.charging import ChargeFilters, ChargeService
from tests.charging.conftest import approved_per_invoice, request, wait_finished
from tests.charging.gateways import gateway_class
from tests.charging.processes import Worker, host_env
from tests.charging.seed import seed_invoices
from splynx_testing.machine import require_module, require_service

redis = require_module("redis")
celery_app = require_module("hostapp.services.charging.celery_app")  # needs celery

REDIS_URL = os.environ.get("SPLYNX_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
AMQP_URL = os.environ.get("SPLYNX_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
INVOICES = 1000
LATENCY = 0.05


def with_settings(host, database_url, instance_dir, fakepay_dist, settings: dict, **env: str) -> dict[str, str]:
    """Give the host ``settings`` (HostConfig fields) and return a worker environment with the same."""
    host.config = replace(host.config, **settings)
    return host_env(database_url, instance_dir, fakepay_dist, **env,
                    **{f"SPLYNX_{key.upper()}": str(value) for key, value in settings.items()})


@pytest.fixture
def broker(run_id):
    """Redis for this run's workers: the broker settings, and this run's keys deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    require_service("Redis", REDIS_URL, client.ping,
                    "apt-get install redis-server, then start it: redis-server --daemonize yes --save ''")
    prefix = f"splynx-test-{run_id}:"
    yield {"broker_url": REDIS_URL, "broker_prefix": prefix}
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def rabbitmq(run_id):
    """RabbitMQ for this run's worker: the broker settings, this run's queue and exchange deleted afterwards."""
    from kombu import Connection

    def connect() -> Connection:
        connection = Connection(AMQP_URL, connect_timeout=3)
        connection.ensure_connection(max_retries=1)
        return connection

    require_service("RabbitMQ", AMQP_URL, lambda: connect().release(),
                    "apt-get install rabbitmq-server, then start it: rabbitmq-server -detached")
    prefix = f"splynx-test-{run_id}."
    yield {"broker_url": AMQP_URL, "broker_prefix": prefix}
    with connect() as connection:
        channel = connection.default_channel
        channel.queue_delete(celery_app.charge_queue(prefix))
        channel.exchange_delete(celery_app.charge_queue(prefix))


def test_the_broker_prefix_goes_in_front_of_every_redis_key(broker):
    prefix = broker["broker_prefix"]
    celery_app.send_lanes(SimpleNamespace(**broker), 1, range(3))
    client = redis.Redis.from_url(REDIS_URL)
    assert client.llen(prefix + celery_app.charge_queue(prefix)) == 3
    assert set(client.scan_iter(match=f"*{prefix}*")) == set(client.scan_iter(match=f"{prefix}*")) != set()


@pytest.fixture(params=["fakepay", "ippay"])
def gateway(request, host, install_addon):
    running = gateway_class(request.param)(host, install_addon, LATENCY)
    yield running
    running.stop()


def test_two_workers_charge_1000_invoices_exactly_once_with_one_killed_halfway(
        host, gateway, broker, fakepay_dist, database_url, instance_dir, tmp_path):
    seeded = gateway.seed(INVOICES)
    settings = {**broker, "charge_lanes": 4, "charge_concurrency": 8, "charge_chunk_size": 25,
                "charge_lease_seconds": 3}
    env = with_settings(host, database_url, instance_dir, fakepay_dist, settings, **gateway.env())
    workers = [Worker(env, f"charge{n}", tmp_path) for n in (1, 2)]
    try:
        for worker in workers:
            worker.wait_ready()
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


def test_a_worker_on_rabbitmq_charges_a_batch(charging, host, rabbitmq, http_gateway, fakepay_dist, database_url,
                                              instance_dir, tmp_path):
    seeded = seed_invoices(host.db, gateway="fakepay", count=60)
    settings = {**rabbitmq, "charge_lanes": 2, "charge_chunk_size": 10}
    env = with_settings(host, database_url, instance_dir, fakepay_dist, settings, FAKEPAY_URL=http_gateway.url)
    worker = Worker(env, "rabbit1", tmp_path)
    try:
        worker.wait_ready()
        service = ChargeService(host)
        batch_id = service.charge(request(ChargeFilters(period_from=seeded.issued, period_to=seeded.issued)))
        summary = wait_finished(service, batch_id, timeout=120)
    finally:
        worker.stop()
    assert (summary.status, summary.approved) == ("ready", 60), worker.log_path.read_text()[-3000:]
    assert approved_per_invoice(http_gateway) == {invoice_id: 1 for invoice_id in seeded.invoice_ids}


def test_a_worker_sends_the_mail_queue_when_asked(host, broker, factory, smtp_server, fakepay_dist, database_url,
                                                  instance_dir, tmp_path):
    from hostapp.models import Customer
    from hostapp.services.mail.service import MailService, Subject
    from tests.mail.configure import configure_mail

    configure_mail(host, smtp_server.port, send_on_invoice="0")
    partner, location = factory.partner(), factory.location()
    invoices = [factory.invoice(factory.customer(partner=partner, location=location)) for _ in range(20)]
    service = MailService(host)
    with host.db.transaction() as session:
        for invoice in invoices:
            document = session.get(Invoice, invoice.id)
            service.queue(session, "invoice_new", Subject(session.get(Customer, invoice.customer_id), document),
                          created_by="test")
    # the worker's own sweep waits an hour: only the task the dispatch sends can deliver now
    env = with_settings(host, database_url, instance_dir, fakepay_dist, {**broker, "mail_poll_seconds": 3600})
    worker = Worker(env, "mail1", tmp_path)
    try:
        worker.wait_ready()
        service.dispatch()
        deadline = time.monotonic() + 60
        while len(smtp_server.inbox.messages) < 20 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.stop()
    ids = smtp_server.inbox.message_ids()
    assert len(ids) == 20 == len(set(ids)), worker.log_path.read_text()[-3000:]
