"""Charge batches as records: create one from a selection, summarise it, list its results, delete it.

:func:`create_batch` writes the batch, its lanes, its chunks and one item per selected
invoice in one transaction, so what Preview counted is what Charge charges and a crash
never leaves half a selection. Items are unique per (batch, invoice): an invoice is in a
batch at most once, and an item gets at most one payment attempt (see :mod:`.claims`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Select, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from ...models import ChargeBatch, ChargeBatchItem, ChargeChunk, ChargeChunkTally, ChargeLane, Customer, PaymentAttempt
from core.models import ZERO, utcnow
from ..charge_tallies import COUNTS, batch_outcomes, counted_items, tally_new_chunks
from .filters import DOCUMENT_MODELS, ChargeFilters, CustomerScope, every_customer


class NothingToCharge(ValueError):
    """The selection is empty; no batch was written."""


@dataclass(frozen=True)
class BatchRequest:
    """Everything a new batch is made of."""

    handler: str
    filters: ChargeFilters
    params: dict = field(default_factory=dict)
    source: str = "manual"
    created_by: str = "system"
    auto_filter_id: int | None = None
    run_date: date | None = None
    #: the customers the creator may charge (an administrator limited to partners: their partners' only)
    scope: CustomerScope = every_customer


def create_batch(session: Session, request: BatchRequest, *, concurrency: int, lanes: int, chunk_size: int,
                 runner: str) -> ChargeBatch:
    """Write the batch with its items (in chunks) and lanes; raises :class:`NothingToCharge`."""
    filters = request.filters
    rows = session.execute(request.scope(filters.select_documents(), filters.model.customer_id)).all()
    if not rows:
        raise NothingToCharge("No invoices match these filters.")
    chunk_count = math.ceil(len(rows) / max(1, chunk_size))
    lanes = max(1, min(lanes, chunk_count, concurrency))
    batch = ChargeBatch(
        handler=request.handler, source=request.source, target_kind=request.filters.target_kind,
        filters=request.filters.to_dict(), params=request.params, concurrency=max(1, concurrency), lanes=lanes,
        runner=runner, item_count=len(rows), total_sum=sum((r.total for r in rows), ZERO),
        due_sum=sum((r.due for r in rows), ZERO), created_by=request.created_by,
        auto_filter_id=request.auto_filter_id, run_date=request.run_date,
    )
    session.add(batch)
    session.flush()
    session.execute(insert(ChargeLane), [{"batch_id": batch.id, "number": n} for n in range(lanes)])
    session.execute(insert(ChargeChunk), [{"batch_id": batch.id, "number": n} for n in range(chunk_count)])
    chunk_ids = dict(session.execute(select(ChargeChunk.number, ChargeChunk.id)
                                     .where(ChargeChunk.batch_id == batch.id)).all())
    session.execute(insert(ChargeBatchItem), [
        {"batch_id": batch.id, "chunk_id": chunk_ids[index // chunk_size], "target_id": row.id,
         "number": row.number, "customer_id": row.customer_id, "amount": row.due}
        for index, row in enumerate(rows)
    ])
    tally_new_chunks(session, batch.id, {chunk_id: len(rows[number * chunk_size:(number + 1) * chunk_size])
                                         for number, chunk_id in chunk_ids.items()})
    return batch


def visible_batches(statement: Select, scope: CustomerScope) -> Select:
    """``statement`` over batches limited to those holding an invoice of a customer within ``scope``."""
    return statement.where(ChargeBatch.id.in_(scope(select(ChargeBatchItem.batch_id), ChargeBatchItem.customer_id)))


def whole_batch_within(session: Session, batch: ChargeBatch, scope: CustomerScope) -> bool:
    """Whether every invoice of ``batch`` belongs to a customer within ``scope`` (who may stop or delete it)."""
    return count_results(session, batch.id, scope=scope) == batch.item_count


def batch_partner(session: Session, batch_id: int) -> int | None:
    """The one partner whose customers the batch charges, or ``None`` when it spans several (audit log)."""
    partners = session.execute(select(Customer.partner_id).distinct()
                               .join(ChargeBatchItem, ChargeBatchItem.customer_id == Customer.id)
                               .where(ChargeBatchItem.batch_id == batch_id).limit(2)).scalars().all()
    return partners[0] if len(partners) == 1 else None


def lane_concurrency(batch: ChargeBatch) -> int:
    """Gateway requests one lane may have in flight, so that all lanes together stay within the bound."""
    return max(1, batch.concurrency // max(1, batch.lanes))


@dataclass(frozen=True)
class BatchSummary:
    """Counts for the progress bar and the history row."""

    id: int
    status: str
    items: int
    queued: int
    in_flight: int
    approved: int
    declined: int
    unknown: int
    skipped: int
    charged_sum: Decimal
    error: str = ""

    @property
    def settled(self) -> int:
        return self.approved + self.declined + self.unknown + self.skipped

    @property
    def progress(self) -> int:
        return 100 if not self.items else int(100 * self.settled / self.items)

    @property
    def finished(self) -> bool:
        return self.status in ("ready", "error", "cancelled")


def summarize(session: Session, batch_id: int, *, scope: CustomerScope = every_customer) -> BatchSummary | None:
    """Counts of the batch's invoices within ``scope``, by outcome, and the sum charged.

    For an administrator who sees every customer the counts come from the chunks' tallies
    (:func:`~hostapp.services.charge_tallies.batch_outcomes`); within a narrower scope they are
    counted from the items the administrator may see.
    """
    batch = session.get(ChargeBatch, batch_id)
    if batch is None:
        return None
    if _everyone(scope):
        counts = batch_outcomes(session, batch_id)
    else:
        counts = session.execute(scope(counted_items().where(ChargeBatchItem.batch_id == batch_id),
                                       ChargeBatchItem.customer_id)).one()
    return BatchSummary(
        id=batch.id, status=batch.status, **{name: int(getattr(counts, name)) for name in COUNTS},
        charged_sum=Decimal(counts.charged_sum).quantize(Decimal("0.01")), error=batch.error,
    )


def _everyone(scope: CustomerScope) -> bool:
    """Whether ``scope`` leaves statements as they are (the administrator sees every customer)."""
    probe = select(ChargeBatchItem.id)
    return scope(probe, ChargeBatchItem.customer_id) is probe


#: what the history shows for an item: its attempt's status, or why it was not charged
def item_result(item_status: str, attempt_status: str | None, batch_finished: bool) -> str:
    if attempt_status:
        return attempt_status
    if item_status == "skipped":
        return "skipped"
    return "not charged" if batch_finished else "queued"


class SelectionSums(NamedTuple):
    """A batch's Amount (invoices), Total sum and Due sum as selected."""

    count: int
    total_sum: Decimal
    due_sum: Decimal


def selection_sums(session: Session, batch: ChargeBatch, scope: CustomerScope = every_customer) -> SelectionSums:
    """Amount, total sum and due sum of the batch's selection within ``scope``."""
    model = DOCUMENT_MODELS[batch.target_kind]
    sums = (select(func.count(), func.coalesce(func.sum(model.total), 0),
                   func.coalesce(func.sum(ChargeBatchItem.amount), 0))
            .select_from(ChargeBatchItem).join(model, model.id == ChargeBatchItem.target_id)
            .where(ChargeBatchItem.batch_id == batch.id))
    count, total, due = session.execute(scope(sums, ChargeBatchItem.customer_id)).one()
    return SelectionSums(count, Decimal(total).quantize(Decimal("0.01")), Decimal(due).quantize(Decimal("0.01")))


def results(session: Session, batch_id: int, *, limit: int | None = None, offset: int = 0,
            only: str = "", scope: CustomerScope = every_customer) -> list[dict]:
    """Per-invoice rows (history view, CSV log) within ``scope``, in selection order."""
    batch = session.get(ChargeBatch, batch_id)
    statement = scope(
        select(ChargeBatchItem, Customer.name, PaymentAttempt.status, PaymentAttempt.message,
               PaymentAttempt.gateway_reference, PaymentAttempt.key, PaymentAttempt.amount)
        .join(Customer, Customer.id == ChargeBatchItem.customer_id)
        .outerjoin(PaymentAttempt, PaymentAttempt.id == ChargeBatchItem.attempt_id)
        .where(ChargeBatchItem.batch_id == batch_id).order_by(ChargeBatchItem.id),
        ChargeBatchItem.customer_id)
    if only == "failed":
        statement = statement.where(or_(PaymentAttempt.status.in_(("declined", "unknown")),
                                        ChargeBatchItem.status == "skipped"))
    if limit is not None:
        statement = statement.limit(limit).offset(offset)
    rows = []
    for item, name, status, message, reference, key, amount in session.execute(statement):
        rows.append({
            "item_id": item.id, "target_id": item.target_id, "number": item.number, "customer_id": item.customer_id,
            "customer": name, "amount": amount if amount is not None else item.amount,
            "result": item_result(item.status, status, batch.finished), "message": message or item.message,
            "reference": reference or "", "attempt_key": key or "", "log": item.log,
        })
    return rows


def count_results(session: Session, batch_id: int, *, scope: CustomerScope = every_customer) -> int:
    """The batch's invoices within ``scope``."""
    return session.execute(scope(select(func.count()).where(ChargeBatchItem.batch_id == batch_id),
                                 ChargeBatchItem.customer_id)).scalar_one()


class BatchBusy(RuntimeError):
    """The batch is still running; it cannot be deleted or resumed now."""


def delete_batch(session: Session, batch_id: int) -> None:
    """Remove a finished batch from the history (payments and attempts stay: they are the money record)."""
    batch = session.get(ChargeBatch, batch_id)
    if batch is None:
        return
    if not batch.finished:
        raise BatchBusy(f"Charge batch #{batch_id} is still running.")
    for model in (ChargeChunkTally, ChargeBatchItem, ChargeChunk, ChargeLane):
        session.execute(delete(model).where(model.batch_id == batch_id))
    session.delete(batch)


def reopen(session: Session, batch_id: int, lease_seconds: int) -> bool:
    """Make an interrupted or stopped batch runnable again; ``False`` if nothing is left to do.

    Chunks that still hold queued items or items whose attempt is open (pending/unknown)
    go back to *queued*; the lane that claims them re-asks the gateway about the open
    ones with their attempt keys. Refused while a lane still holds a live lease.
    """
    batch = session.execute(select(ChargeBatch).where(ChargeBatch.id == batch_id).with_for_update()).scalar_one()
    now = utcnow()
    live = session.execute(select(func.count()).where(
        ChargeLane.batch_id == batch_id, ChargeLane.owner.is_not(None), ChargeLane.lease_until >= now)).scalar_one()
    if live:
        raise BatchBusy(f"Charge batch #{batch_id} is being worked on; try again in {lease_seconds} seconds.")
    unfinished_chunks = select(ChargeBatchItem.chunk_id).outerjoin(
        PaymentAttempt, PaymentAttempt.id == ChargeBatchItem.attempt_id).where(
        ChargeBatchItem.batch_id == batch_id,
        or_(ChargeBatchItem.status == "queued", PaymentAttempt.status.in_(("pending", "unknown"))))
    reset = session.execute(update(ChargeChunk).where(
        ChargeChunk.batch_id == batch_id,
        or_(ChargeChunk.status != "done", ChargeChunk.id.in_(unfinished_chunks.scalar_subquery())),
    ).values(status="queued", owner=None, lease_until=None).execution_options(synchronize_session=False)).rowcount
    session.execute(update(ChargeLane).where(ChargeLane.batch_id == batch_id).values(owner=None, lease_until=None))
    if not reset:
        if not batch.finished:
            batch.status, batch.finished_at = "ready", now
        return False
    batch.status, batch.error, batch.finished_at = "queued", "", None
    return True


#: a batch not started after this many lease periods is sent again (its task may have been lost)
QUEUED_PATIENCE = 10


def stale_batches(session: Session, lease_seconds: int) -> list[int]:
    """Unfinished batches nobody works on: started ones whose lanes' leases all ran out, and
    queued ones that no worker picked up for ``QUEUED_PATIENCE`` lease periods (a batch may
    wait its turn in the broker's queue for a while)."""
    now = utcnow()
    live_lane = select(ChargeLane.id).where(ChargeLane.batch_id == ChargeBatch.id, ChargeLane.owner.is_not(None),
                                            ChargeLane.lease_until >= now).exists()
    started_stale = (ChargeBatch.status == "running") & (ChargeBatch.started_at < now - timedelta(
        seconds=lease_seconds))
    queued_stale = (ChargeBatch.status == "queued") & (ChargeBatch.created_at < now - timedelta(
        seconds=lease_seconds * QUEUED_PATIENCE))
    return list(session.execute(select(ChargeBatch.id).where(
        started_stale | queued_stale, ~live_lane).order_by(ChargeBatch.id)).scalars())
