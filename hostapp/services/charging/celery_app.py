"""Charge batches and e-mail on Celery: the app, the lane and mail tasks, and ``splynx worker``.

With ``SPLYNX_BROKER_URL`` set (``redis://127.0.0.1:6379/0`` or
``amqp://guest:guest@127.0.0.1:5672//``) the web process sends one ``splynx.charge_lane``
task per lane of a batch, and ``splynx worker`` processes on any number of machines (all
pointed at the same database and broker) run them with :class:`.runner.LaneRunner`.

Recovery does not depend on the broker redelivering a task: tasks are acknowledged when
they start (a lane can run for longer than Redis' visibility timeout or RabbitMQ's
consumer timeout), and a worker that dies leaves leases in the database that run out, so
the batch's other lanes take its chunks over. A worker re-sends the lanes of batches
nobody is working on when it starts (:meth:`ChargeService.resume_stale`).

``SPLYNX_BROKER_PREFIX`` keeps hosts (or test runs) that share one broker apart: it goes in
front of the queue's and its exchange's names and, on Redis, of every key kombu writes.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from celery import Celery

log = logging.getLogger(__name__)

LANE_TASK = "splynx.charge_lane"
QUEUE = "splynx-charge"
MAIL_TASK = "splynx.mail_deliver"
MAIL_QUEUE = "splynx-mail"


def charge_queue(prefix: str) -> str:
    """The queue charge lanes go through (Celery names its exchange after it too)."""
    return prefix + QUEUE


def _app(broker_url: str, prefix: str) -> Celery:
    app = Celery("splynx", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json", accept_content=["json"], task_ignore_result=True,
        task_default_queue=charge_queue(prefix),
        broker_transport_options={"global_keyprefix": prefix} if prefix and broker_url.startswith("redis") else {},
        worker_prefetch_multiplier=1, task_acks_late=False, broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False, worker_send_task_events=False,
    )
    return app


@lru_cache(maxsize=8)
def sender(broker_url: str, prefix: str) -> Celery:
    """A Celery app that only sends tasks (the web process and the CLI), one per broker and prefix."""
    return _app(broker_url, prefix)


def send_lanes(config, batch_id: int, lanes: range) -> None:
    """One lane task per lane of the batch, to the broker of the host's ``config``."""
    app, queue = sender(config.broker_url, config.broker_prefix), charge_queue(config.broker_prefix)
    for lane in lanes:
        app.send_task(LANE_TASK, args=[batch_id, lane], queue=queue)
    log.info("charge batch %s: sent %d lane task(s) to %s", batch_id, len(lanes), queue)


def send_mail_delivery(config) -> None:
    """Ask a worker to work the e-mail outbox now (queued messages wait in the database, not the broker)."""
    sender(config.broker_url, config.broker_prefix).send_task(MAIL_TASK, queue=config.broker_prefix + MAIL_QUEUE)


def worker_app(host) -> Celery:
    """The Celery app of a worker process: the lane task bound to this process's host."""
    from .runner import LaneRunner

    app = _app(host.config.broker_url, host.config.broker_prefix)

    @app.task(name=LANE_TASK)
    def charge_lane(batch_id: int, lane: int) -> str:
        """Work one lane of a charge batch (see :class:`hostapp.services.charging.runner.LaneRunner`)."""
        outcome = LaneRunner(host).run(batch_id, lane)
        log.info("charge batch %s lane %s: %s", batch_id, lane, outcome)
        return outcome

    @app.task(name=MAIL_TASK)
    def mail_deliver() -> str:
        """Work the e-mail outbox once (see :mod:`hostapp.services.mail.outbox`)."""
        from ..mail.service import MailService

        report = MailService(host).deliver()
        log.info("e-mail outbox: %s", report.describe())
        return report.describe()

    return app


def run_worker(host, *, concurrency: int, hostname: str | None, loglevel: str) -> None:
    """Run a worker in the foreground: a thread pool of ``concurrency`` lanes (blocking)."""
    app = worker_app(host)
    argv = ["worker", "--pool", "threads", "--concurrency", str(concurrency),
            "--queues", f"{charge_queue(host.config.broker_prefix)},{host.config.broker_prefix + MAIL_QUEUE}",
            "--loglevel", loglevel, "--without-gossip", "--without-mingle", "--without-heartbeat"]
    if hostname:
        argv += ["--hostname", hostname]
    app.worker_main(argv)
