"""The charging facade the Charge dialog, the CLI and the scheduler use.

:class:`ChargeService` previews a selection, writes a batch and starts it on the configured
runner: the in-process :class:`hostapp.services.jobs.JobRunner` (one lane in a job thread)
when no broker is configured, Celery lanes when ``SPLYNX_BROKER_URL`` is set. It also
resumes interrupted batches, stops and deletes them.
"""

from __future__ import annotations

import logging

from ...models import ChargeBatch
from ..audit import record as audit
from ..jobs import JobContext
from ..periodic import Periodic
from .batches import (
    BatchBusy,
    BatchRequest,
    batch_partner,
    create_batch,
    delete_batch,
    reopen,
    stale_batches,
    summarize,
)
from .filters import ChargeFilters, CustomerScope, Preview, every_customer, preview
from .handlers import charge_handlers, find_handler
from .runner import LaneRunner

log = logging.getLogger(__name__)

JOB_HANDLER = "hostapp.services.charging.service:run_batch_job"


class ChargeService:
    """Bulk charging for one host."""

    def __init__(self, host) -> None:
        self.host = host

    @property
    def uses_celery(self) -> bool:
        return bool(self.host.config.broker_url)

    def handlers(self):
        return charge_handlers(self.host)

    def preview(self, filters: ChargeFilters, handler: str = "", *, scope: CustomerScope = every_customer) -> Preview:
        """Count and sum what a batch of ``filters`` would charge within ``scope``."""
        with self.host.db.reading() as session:
            return preview(session, filters, handler, scope=scope)

    # -- create and start ---------------------------------------------------------------

    def create(self, request: BatchRequest, *, concurrency: int | None = None) -> int:
        """Validate the handler, write the batch (raises :class:`NothingToCharge` if empty)."""
        find_handler(self.host, request.handler)
        config = self.host.config
        concurrency = min(concurrency or config.charge_concurrency, config.charge_concurrency)
        with self.host.db.transaction() as session:
            batch = create_batch(session, request, concurrency=concurrency,
                                 lanes=config.charge_lanes if self.uses_celery else 1,
                                 chunk_size=config.charge_chunk_size,
                                 runner="celery" if self.uses_celery else "inprocess")
            audit(session, request.created_by, "charge.batch_created", f"charge_batch:{batch.id}",
                  {"handler": request.handler, "items": batch.item_count, "due_sum": str(batch.due_sum),
                   "source": request.source, "filters": request.filters.describe()},
                  partner_id=batch_partner(session, batch.id))
            return batch.id

    def start(self, batch_id: int) -> None:
        """Hand the batch to its runner (returns at once; progress is in the database)."""
        with self.host.db.transaction() as session:
            batch = session.get(ChargeBatch, batch_id)
            runner, lanes, title = batch.runner, batch.lanes, f"Charge batch #{batch.id} ({batch.handler})"
        if runner == "celery":
            from .celery_app import send_lanes

            send_lanes(self.host.config, batch_id, range(lanes))
            return
        self.host.jobs.context.setdefault("host", self.host)
        job_id = self.host.jobs.submit(JOB_HANDLER, title, {"batch_id": batch_id}, kind="charge")
        with self.host.db.transaction() as session:
            session.get(ChargeBatch, batch_id).job_id = job_id

    def charge(self, request: BatchRequest, *, concurrency: int | None = None) -> int:
        """Create and start a batch; returns its id."""
        batch_id = self.create(request, concurrency=concurrency)
        self.start(batch_id)
        return batch_id

    def run_here(self, batch_id: int, on_progress=None) -> str:
        """Work the whole batch in the calling thread (the CLI without a broker, tests, benchmarks)."""
        return LaneRunner(self.host).run(batch_id, 0, on_progress=on_progress)

    # -- after the fact -----------------------------------------------------------------

    def summary(self, batch_id: int, *, scope: CustomerScope = every_customer):
        """The batch's progress counts within ``scope``."""
        with self.host.db.reading() as session:
            return summarize(session, batch_id, scope=scope)

    def resume(self, batch_id: int, actor: str = "system") -> bool:
        """Re-queue what an interrupted or stopped batch left open and start it again."""
        with self.host.db.transaction() as session:
            resumed = reopen(session, batch_id, self.host.config.charge_lease_seconds)
            if resumed:
                audit(session, actor, "charge.batch_resumed", f"charge_batch:{batch_id}", {},
                      partner_id=batch_partner(session, batch_id))
        if resumed:
            self.start(batch_id)
        return resumed

    def resume_stale(self, actor: str = "system") -> list[int]:
        """Resume every batch whose workers died (no live lane for a lease period)."""
        with self.host.db.transaction() as session:
            ids = stale_batches(session, self.host.config.charge_lease_seconds)
        resumed = []
        for batch_id in ids:
            try:
                if self.resume(batch_id, actor):
                    resumed.append(batch_id)
            except BatchBusy:
                continue
        return resumed

    def cancel(self, batch_id: int, actor: str) -> None:
        """Stop a batch after the chunks being charged now; what was not sent stays uncharged."""
        with self.host.db.transaction() as session:
            batch = session.get(ChargeBatch, batch_id)
            if batch is not None and not batch.finished:
                batch.status = "cancelled"
                audit(session, actor, "charge.batch_cancelled", f"charge_batch:{batch_id}", {},
                      partner_id=batch_partner(session, batch_id))

    def delete(self, batch_id: int, actor: str) -> None:
        with self.host.db.transaction() as session:
            partner_id = batch_partner(session, batch_id)
            delete_batch(session, batch_id)
            audit(session, actor, "charge.batch_deleted", f"charge_batch:{batch_id}", {}, partner_id=partner_id)


class ResumeWatch(Periodic):
    """Resumes batches whose workers died, once per lease period (a daemon thread).

    Runs in ``splynx serve`` (the in-process runner) and in every ``splynx worker``, so a
    batch interrupted by a crash or restart carries on within a minute or so, without
    waiting for the daily ``splynx charge run-scheduled``.
    """

    def __init__(self, host, actor: str, interval: float | None = None) -> None:
        self.service = ChargeService(host)
        self.actor = actor
        super().__init__("charge-resume-watch",
                         interval if interval is not None else max(5, host.config.charge_lease_seconds), self._resume)

    def _resume(self) -> None:
        for batch_id in self.service.resume_stale(self.actor):
            log.warning("resumed charge batch %s: its worker had stopped", batch_id)


def run_batch_job(ctx: JobContext) -> dict:
    """The in-process runner's job: one lane of the batch in this job thread."""
    host = ctx.runner.context["host"]
    batch_id = ctx.params["batch_id"]

    def progress(summary) -> None:
        ctx.progress(summary.progress)

    outcome = LaneRunner(host).run(batch_id, 0, on_progress=progress)
    summary = ChargeService(host).summary(batch_id)
    ctx.log(f"Charge batch #{batch_id}: {outcome}; approved {summary.approved}, declined {summary.declined}, "
            f"unknown {summary.unknown}, skipped {summary.skipped} of {summary.items}")
    if summary.status == "error":
        raise RuntimeError(summary.error)
    return {"batch_id": batch_id, "status": summary.status}
