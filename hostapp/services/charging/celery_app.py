"""Charge batches on Celery: the app, the lane task, and ``splynx worker``.

With ``SPLYNX_BROKER_URL`` set (``redis://127.0.0.1:6379/0`` or
``amqp://guest:guest@127.0.0.1:5672//``) the web process sends one ``splynx.charge_lane``
task per lane of a batch, and ``splynx worker`` processes on any number of machines (all
pointed at the same database and broker) run them with :class:`.runner.LaneRunner`.

Recovery does not depend on the broker redelivering a task: tasks are acknowledged when
they start (a lane can run for longer than Redis' visibility timeout or RabbitMQ's
consumer timeout), and a worker that dies leaves leases in the database that run out, so
the batch's other lanes take its chunks over. A worker re-sends the lanes of batches
nobody is working on when it starts (:meth:`ChargeService.resume_stale`).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from celery import Celery

log = logging.getLogger(__name__)

LANE_TASK = "splynx.charge_lane"
QUEUE = "splynx-charge"


def _configure(app: Celery) -> Celery:
    app.conf.update(
        task_serializer="json", accept_content=["json"], task_ignore_result=True, task_default_queue=QUEUE,
        worker_prefetch_multiplier=1, task_acks_late=False, broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False, worker_send_task_events=False,
    )
    return app


@lru_cache(maxsize=8)
def sender(broker_url: str) -> Celery:
    """A Celery app that only sends tasks (the web process and the CLI), one per broker URL."""
    return _configure(Celery("splynx", broker=broker_url, set_as_current=False))


def send_lanes(broker_url: str, batch_id: int, lanes: range) -> None:
    app = sender(broker_url)
    for lane in lanes:
        app.send_task(LANE_TASK, args=[batch_id, lane], queue=QUEUE)
    log.info("charge batch %s: sent %d lane task(s) to %s", batch_id, len(lanes), QUEUE)


def worker_app(host) -> Celery:
    """The Celery app of a worker process: the lane task bound to this process's host."""
    from .runner import LaneRunner

    app = _configure(Celery("splynx", broker=host.config.broker_url, set_as_current=False))

    @app.task(name=LANE_TASK)
    def charge_lane(batch_id: int, lane: int) -> str:
        """Work one lane of a charge batch (see :class:`hostapp.services.charging.runner.LaneRunner`)."""
        outcome = LaneRunner(host).run(batch_id, lane)
        log.info("charge batch %s lane %s: %s", batch_id, lane, outcome)
        return outcome

    return app


def run_worker(host, *, concurrency: int, hostname: str | None, loglevel: str) -> None:
    """Run a worker in the foreground: a thread pool of ``concurrency`` lanes (blocking)."""
    app = worker_app(host)
    argv = ["worker", "--pool", "threads", "--concurrency", str(concurrency), "--queues", QUEUE,
            "--loglevel", loglevel, "--without-gossip", "--without-mingle", "--without-heartbeat"]
    if hostname:
        argv += ["--hostname", hostname]
    app.worker_main(argv)
