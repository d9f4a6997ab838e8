"""Working a lane of a charge batch: claim chunks, write attempts, call the handler, book results.

The same :class:`LaneRunner` runs in a thread of the web process (the in-process runner,
one lane) and in Celery workers (several lanes on any number of machines). A lane:

1. takes its lane lease (so at most ``batch.lanes`` workers work a batch, each with at most
   ``concurrency // lanes`` gateway requests in flight: the bound holds over all machines);
2. claims chunks one at a time, a queued one or one whose owner's lease ran out;
3. for a chunk taken over from a dead worker, re-asks the gateway about every item whose
   attempt is still open, *with the same attempt key* (the hook contract makes that safe:
   the gateway answers what happened instead of charging again);
4. writes an attempt per queued item (:mod:`.claims`), sends them to the handler's
   ``splynx_bulk_charge`` in one call, and books each streamed result (:mod:`.recorder`);
   the next chunk is claimed and its attempts written while this one is at the gateway
   (handed back untouched if the batch stops meanwhile), and a chunk's last results are
   booked while the next one is at the gateway (a chunk is marked done once all its
   results are booked);
5. when no chunk is left, marks the batch *ready*. A handler exception stops the batch
   (*error*); the items it did not answer stay *unknown*, never retried blindly.

Hooks receive the host as an argument; no application context is needed.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import func, select, update

from core.payments import ChargeBatch as HookBatch
from core.payments import PaymentResult

from ...models import ChargeBatch, ChargeBatchItem, ChargeChunk, PaymentAttempt
from core.models import utcnow
from .batches import BatchSummary, lane_concurrency, summarize
from .claims import ITEM_FIELDS, BatchInfo, Claimed, claim_items, in_flight, release_items
from .leases import Heartbeat, Leases, new_owner
from .recorder import Recorder

log = logging.getLogger(__name__)

#: gateway requests in flight per thread booking their results (one thread books groups of
#: results set-based faster than 16 requests at a time can answer), and threads per lane at most
REQUESTS_PER_BOOKING_THREAD = 16
BOOKING_THREADS = 4


@dataclass(frozen=True)
class Prepared:
    """A claimed chunk, ready for the handler: items to re-ask, items only to log, fresh attempts."""

    chunk_id: int
    reask: list[Claimed]
    settled: list[tuple]
    claimed: list[Claimed]


@dataclass(frozen=True)
class Worked:
    """A chunk the handler has answered, whose results its recorder is booking."""

    chunk_id: int
    recorder: Recorder
    error: str | None


def _wait(closing: Future | None) -> None:
    """Wait for a chunk's closing (its bookings) to end, re-raising what it raised."""
    if closing is not None:
        closing.result()


class LaneRunner:
    """Runs lanes of charge batches for one host."""

    def __init__(self, host, *, poll_seconds: float | None = None) -> None:
        self.host = host
        self.leases = Leases(host.db, host.config.charge_lease_seconds)
        self.poll_seconds = poll_seconds if poll_seconds is not None else min(1.0, self.leases.seconds / 3)

    def run(self, batch_id: int, lane: int = 0, *,
            on_progress: Callable[[BatchSummary], None] | None = None) -> str:
        """Work lane ``lane`` until the batch is finished or stopped; returns what happened."""
        owner = new_owner()
        if not self.leases.take_lane(batch_id, lane, owner):
            log.info("charge batch %s lane %s is held by a live worker", batch_id, lane)
            return "busy"
        try:
            with Heartbeat(self.leases, owner), \
                    ThreadPoolExecutor(max_workers=1, thread_name_prefix="charge-claim") as claimer, \
                    ThreadPoolExecutor(max_workers=1, thread_name_prefix="charge-close") as closer:
                batch = self._start(batch_id)
                if batch is None:
                    return "finished"
                upcoming = claimer.submit(self._prepare, batch, owner)
                closing = None
                try:
                    while True:
                        prepared, upcoming = upcoming.result(), None
                        if prepared is None:
                            _wait(closing)
                            closing = None
                            if not self._running(batch_id) or self._all_done(batch_id):
                                break
                            time.sleep(self.poll_seconds)  # other lanes hold live chunks; take over if they die
                            upcoming = claimer.submit(self._prepare, batch, owner)
                            continue
                        # the next chunk's attempts are written while this one's are at the gateway
                        upcoming = claimer.submit(self._prepare, batch, owner)
                        worked = self._work(batch, prepared, owner)
                        _wait(closing)  # at most one chunk's bookings run behind the gateway
                        closing = None
                        if worked is not None:  # its last results are booked while the next chunk is at the gateway
                            closing = closer.submit(self._close, batch, worked, owner, on_progress)
                finally:
                    if upcoming is not None and (left := upcoming.result()) is not None:
                        self._release(batch, left, owner)
                    _wait(closing)
                return self._finalize(batch_id)
        finally:
            self.leases.release_lane(batch_id, lane, owner)

    def summary(self, batch_id: int) -> BatchSummary:
        with self.host.db.reading() as session:
            return summarize(session, batch_id)

    # -- batch state ------------------------------------------------------------------

    def _start(self, batch_id: int) -> BatchInfo | None:
        with self.host.db.transaction() as session:
            batch = session.get(ChargeBatch, batch_id)
            if batch is None or batch.finished:
                return None
            if batch.status == "queued":
                batch.status = "running"
            batch.started_at = batch.started_at or utcnow()
            return BatchInfo(batch.id, batch.handler, batch.target_kind, dict(batch.params), lane_concurrency(batch))

    def _running(self, batch_id: int) -> bool:
        with self.host.db.reading() as session:
            return session.execute(select(ChargeBatch.status).where(ChargeBatch.id == batch_id)).scalar_one() \
                == "running"

    def _fail(self, batch_id: int, error: str) -> None:
        log.error("charge batch %s stopped: %s", batch_id, error)
        with self.host.db.transaction() as session:
            session.execute(update(ChargeBatch).where(
                ChargeBatch.id == batch_id, ChargeBatch.status.in_(("queued", "running")),
            ).values(status="error", error=error[:2000], finished_at=utcnow()))

    def _finalize(self, batch_id: int) -> str:
        with self.host.db.transaction() as session:
            left = session.execute(select(func.count()).where(
                ChargeChunk.batch_id == batch_id, ChargeChunk.status != "done")).scalar_one()
            if not left:
                session.execute(update(ChargeBatch).where(
                    ChargeBatch.id == batch_id, ChargeBatch.status == "running",
                ).values(status="ready", finished_at=utcnow()))
            return session.execute(select(ChargeBatch.status).where(ChargeBatch.id == batch_id)).scalar_one()

    def _all_done(self, batch_id: int) -> bool:
        counts = self.leases.chunk_counts(batch_id)
        return not counts.get("queued") and not counts.get("running")

    # -- one chunk --------------------------------------------------------------------

    def _prepare(self, batch: BatchInfo, owner: str) -> Prepared | None:
        """Claim the next chunk and write the attempts of its queued items; ``None`` if there is none now."""
        if not self._running(batch.id):
            return None
        claim = self.leases.claim_chunk(batch.id, owner)
        if claim is None:
            return None
        with self.host.db.reading() as session:
            items = session.execute(select(*ITEM_FIELDS).outerjoin(
                PaymentAttempt, PaymentAttempt.id == ChargeBatchItem.attempt_id).where(
                ChargeBatchItem.chunk_id == claim.id,
                ChargeBatchItem.status.in_(("queued", "charging")) | PaymentAttempt.status.in_(("pending", "unknown")),
            ).order_by(ChargeBatchItem.id)).all()
            started = [i for i in items if i.status != "queued"]
            reask, settled = in_flight(session, batch, started) if started else ([], [])
        queued = [i for i in items if i.status == "queued"]
        claimed = claim_items(self.host, batch, queued) if queued else []
        return Prepared(claim.id, reask, settled, claimed)

    def _work(self, batch: BatchInfo, prepared: Prepared, owner: str) -> Worked | None:
        """Send a prepared chunk to the handler; its results are being booked when this returns.

        ``None`` if the batch stopped since the chunk was claimed (the chunk is handed back).
        """
        if not self._running(batch.id):
            self._release(batch, prepared, owner)
            return None
        recorder = Recorder(self.host, min(BOOKING_THREADS, math.ceil(batch.concurrency / REQUESTS_PER_BOOKING_THREAD)))
        for item_id, status in prepared.settled:
            recorder.note(item_id, f"Outcome {status} was booked before the worker was interrupted.")
        error = self._charge(batch, prepared.reask, recorder, resumed=True) if prepared.reask else None
        if prepared.claimed and error is None:
            error = self._charge(batch, prepared.claimed, recorder)
        elif prepared.claimed:
            release_items(self.host, batch, prepared.claimed)
        if error:  # the handler stopped: the batch stops before another chunk goes to the gateway
            self._fail(batch.id, error)
        return Worked(prepared.chunk_id, recorder, error)

    def _close(self, batch: BatchInfo, worked: Worked, owner: str,
               on_progress: Callable[[BatchSummary], None] | None) -> None:
        """Wait for a chunk's bookings, then mark it done (a chunk is done only once its results are booked)."""
        failures = worked.recorder.close()
        if failures and worked.error is None:
            self._fail(batch.id, f"{len(failures)} result(s) could not be booked (first: {failures[0]}); resume the "
                                 "batch to ask the gateway again with the same attempt keys.")
        self.leases.finish_chunk(batch.id, worked.chunk_id, owner)
        if on_progress is not None:
            on_progress(self.summary(batch.id))

    def _release(self, batch: BatchInfo, prepared: Prepared, owner: str) -> None:
        """Give back a chunk claimed ahead that will not be charged now (the batch stopped)."""
        if prepared.claimed:
            release_items(self.host, batch, prepared.claimed)
        self.leases.release_chunk(prepared.chunk_id, owner)

    def _charge(self, batch: BatchInfo, claimed: list[Claimed], recorder: Recorder, *, resumed: bool = False):
        """One ``splynx_bulk_charge`` call for these items; returns the handler's error, if any."""
        waiting = {c.charge.invoice_id: c for c in claimed}
        request = HookBatch(batch_id=batch.id, items=tuple(c.charge for c in claimed), params=batch.params,
                            concurrency=batch.concurrency)
        error = None
        try:
            for result in self.host.addons.hooks.bulk_charge(batch.handler, request):
                item = waiting.pop(result.invoice_id, None)
                if item is None:
                    log.warning("batch %s: handler %s answered for invoice %s twice or unasked", batch.id,
                                batch.handler, result.invoice_id)
                    continue
                line = result.log
                if resumed:
                    line = f"Asked the gateway again after an interruption (same attempt key). {line}".strip()
                recorder.record(item, result.result, line)
        except Exception as exc:  # noqa: BLE001 - money hooks fail loud: stop the batch, keep the rest unknown
            log.exception("handler %s failed in charge batch %s", batch.handler, batch.id)
            error = f"The handler {batch.handler} stopped: {type(exc).__name__}: {exc}"
        for item in waiting.values():
            reason = error or f"The handler {batch.handler} gave no result for this invoice"
            recorder.record(item, PaymentResult.unknown(f"{reason}. The outcome is being checked; the invoice "
                                                        "will not be charged twice."))
        return error
