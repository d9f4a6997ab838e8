"""Chunk tallies: a charge batch's progress counted once per chunk, not on every look.

A :class:`~hostapp.models.ChargeChunkTally` holds a chunk's items counted by outcome. It is
written when the batch is created (every item queued) and when a lane finishes the chunk, and
removed by whatever may change those counts: a lane claiming the chunk, and any change of
status of an attempt of one of its items (a late result, a reconciliation, an administrator's
resolution, a refund). :func:`batch_outcomes` adds the tallies and counts from their items
only the chunks without one (those being charged now), in one statement, so watching a
100,000-invoice batch costs about what watching a 100-invoice one does.

A tally is taken with the chunk's attempts locked (``SELECT … FOR UPDATE``, in attempt order
as :meth:`~hostapp.services.payments.PaymentService.finish_many` locks them): a status change
either commits before the count reads it or waits for the tally and then removes it.

This module depends on the models only, so the payment service can call it without importing
the charging package.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import case, delete, func, insert, literal, select, union_all
from sqlalchemy.orm import Session

from ..models import ChargeBatchItem, ChargeChunk, ChargeChunkTally, PaymentAttempt

#: the counts a tally holds, in :class:`~hostapp.services.charging.batches.BatchSummary`'s terms
COUNTS = ("items", "queued", "in_flight", "approved", "declined", "unknown", "skipped")
CENT = Decimal("0.01")


def _number_of(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def outcome_columns() -> list:
    """Aggregates over items outer-joined with their attempts, labelled as the tally's columns."""
    item, attempt = ChargeBatchItem.status, PaymentAttempt.status
    return [
        func.count().label("items"),
        _number_of(item == "queued").label("queued"),
        _number_of(attempt == "pending").label("in_flight"),
        _number_of(attempt.in_(("approved", "refunded"))).label("approved"),
        _number_of(attempt == "declined").label("declined"),
        _number_of(attempt == "unknown").label("unknown"),
        _number_of(item == "skipped").label("skipped"),
        func.coalesce(func.sum(case((attempt == "approved", PaymentAttempt.amount), else_=0)), 0).label("charged_sum"),
    ]


def counted_items():
    """``SELECT`` of :func:`outcome_columns` over items with their attempts; the caller adds the ``WHERE``."""
    return select(*outcome_columns()).select_from(ChargeBatchItem).outerjoin(
        PaymentAttempt, PaymentAttempt.id == ChargeBatchItem.attempt_id)


def tally_new_chunks(session: Session, batch_id: int, chunk_sizes: dict[int, int]) -> None:
    """Tallies of a new batch's chunks (``{chunk id: items}``): every item queued."""
    session.execute(insert(ChargeChunkTally), [
        {"chunk_id": chunk_id, "batch_id": batch_id, "items": size, "queued": size}
        for chunk_id, size in chunk_sizes.items()
    ])


def tally_chunk(session: Session, batch_id: int, chunk_id: int) -> None:
    """Count a finished chunk's items into its tally (in the transaction that marks it done)."""
    session.execute(select(PaymentAttempt.id).where(PaymentAttempt.id.in_(
        select(ChargeBatchItem.attempt_id).where(ChargeBatchItem.chunk_id == chunk_id))
    ).order_by(PaymentAttempt.id).with_for_update())
    counted = session.execute(counted_items().where(ChargeBatchItem.chunk_id == chunk_id)).one()._asdict()
    counted["charged_sum"] = Decimal(counted["charged_sum"]).quantize(CENT)
    forget_chunk(session, chunk_id)
    session.execute(insert(ChargeChunkTally).values(chunk_id=chunk_id, batch_id=batch_id, **counted))


def forget_chunk(session: Session, chunk_id: int) -> None:
    """Drop a chunk's tally: its items are about to change (a lane claimed it)."""
    session.execute(delete(ChargeChunkTally).where(ChargeChunkTally.chunk_id == chunk_id))


def forget_attempts(session: Session, attempts: Iterable) -> None:
    """Drop the tallies of the chunks holding these attempts (rows with ``id`` and ``batch_id``),
    whose status is changing; attempts of no charge batch have no tally."""
    ids = sorted({attempt.id for attempt in attempts if attempt.batch_id is not None})
    if ids:
        session.execute(delete(ChargeChunkTally).where(ChargeChunkTally.chunk_id.in_(
            select(ChargeBatchItem.chunk_id).where(ChargeBatchItem.attempt_id.in_(ids)))))


def batch_outcomes(session: Session, batch_id: int):
    """The batch's counts (a row with :data:`COUNTS` and ``charged_sum``): its tallies plus the
    items of its chunks without one, read in one statement so a chunk finishing meanwhile is
    counted once."""
    tallied = select(*(getattr(ChargeChunkTally, name) for name in (*COUNTS, "charged_sum"))).where(
        ChargeChunkTally.batch_id == batch_id)
    untallied_chunks = select(ChargeChunk.id).where(
        ChargeChunk.batch_id == batch_id,
        ~select(ChargeChunkTally.chunk_id).where(ChargeChunkTally.chunk_id == ChargeChunk.id).exists())
    live = counted_items().where(ChargeBatchItem.chunk_id.in_(untallied_chunks))
    parts = union_all(tallied, live).subquery()
    return session.execute(select(*(func.coalesce(func.sum(parts.c[name]), literal(0)).label(name)
                                    for name in (*COUNTS, "charged_sum")))).one()
