"""Bulk charging: charge batches, their chunks and items, the lanes that work them, auto-charge filters.

A *batch* is one press of Charge (or one auto-charge filter run): the invoices it selected
are written as *items* up front, grouped into *chunks*. Workers (threads of the web process
or Celery workers on any machine) take a *lane* of the batch and then claim chunks one at a
time; lanes and chunks carry leases that a heartbeat renews, so the work of a worker that
died is taken over when its lease runs out. The money state of an item is its payment
attempt (``payment_attempts``); the item keeps the selection, the skip reason and the log.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import ZERO, Base, Timestamped

#: batch statuses: ``ready`` and ``error`` are Splynx's "Charge status" values
BATCH_STATUSES = ("queued", "running", "ready", "error", "cancelled")
#: item statuses: ``charging`` = attempt written (the invoice is Pending), result not yet logged
ITEM_STATUSES = ("queued", "charging", "done", "skipped")


class ChargeBatch(Timestamped, Base):
    """One charge run over selected invoices (or proforma invoices) with one handler add-on."""

    __tablename__ = "charge_batches"
    __table_args__ = (UniqueConstraint("auto_filter_id", "run_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    handler: Mapped[str] = mapped_column(String(32))
    #: ``manual`` (the Charge dialog, the CLI) or ``auto`` (an auto-charge filter)
    source: Mapped[str] = mapped_column(String(8), default="manual")
    target_kind: Mapped[str] = mapped_column(String(16), default="invoice")
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    #: the selection as the operator gave it (see ``ChargeFilters.to_dict``)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the handler's parameters (External handler parameters)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    #: gateway requests in flight at most, over all lanes together
    concurrency: Mapped[int] = mapped_column(default=1)
    lanes: Mapped[int] = mapped_column(default=1)
    #: ``inprocess`` or ``celery``
    runner: Mapped[str] = mapped_column(String(16), default="inprocess")
    item_count: Mapped[int] = mapped_column(default=0)
    total_sum: Mapped[Decimal] = mapped_column(default=ZERO)
    due_sum: Mapped[Decimal] = mapped_column(default=ZERO)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    auto_filter_id: Mapped[int | None] = mapped_column(ForeignKey("charge_auto_filters.id", ondelete="SET NULL"))
    #: the day an auto-charge filter ran for; with the filter id unique, so a day runs once
    run_date: Mapped[date | None]
    job_id: Mapped[int | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def finished(self) -> bool:
        return self.status in ("ready", "error", "cancelled")


class ChargeChunk(Base):
    """A slice of a batch's items that one lane charges at a time, under a lease."""

    __tablename__ = "charge_chunks"
    __table_args__ = (UniqueConstraint("batch_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("charge_batches.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | running | done
    owner: Mapped[str | None] = mapped_column(String(96))
    lease_until: Mapped[datetime | None]
    #: how often the chunk was claimed (more than once = taken over from a worker that died)
    claims: Mapped[int] = mapped_column(default=0)


class ChargeChunkTally(Base):
    """A chunk's items counted by outcome, kept while none of them changes (see
    :mod:`hostapp.services.charge_tallies`): a batch's progress adds these up."""

    __tablename__ = "charge_chunk_tallies"
    chunk_id: Mapped[int] = mapped_column(ForeignKey("charge_chunks.id", ondelete="CASCADE"), primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("charge_batches.id", ondelete="CASCADE"), index=True)
    items: Mapped[int] = mapped_column(default=0)
    queued: Mapped[int] = mapped_column(default=0)
    #: attempts written and not yet answered
    in_flight: Mapped[int] = mapped_column(default=0)
    #: approved attempts, refunded ones included
    approved: Mapped[int] = mapped_column(default=0)
    declined: Mapped[int] = mapped_column(default=0)
    unknown: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    #: what the approved attempts (not refunded) charged
    charged_sum: Mapped[Decimal] = mapped_column(default=ZERO)


class ChargeLane(Base):
    """One of the batch's lanes: at most ``batch.lanes`` workers charge a batch at once."""

    __tablename__ = "charge_lanes"
    __table_args__ = (UniqueConstraint("batch_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("charge_batches.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    owner: Mapped[str | None] = mapped_column(String(96))
    lease_until: Mapped[datetime | None]


class ChargeBatchItem(Base):
    """One selected invoice of a batch; at most one per invoice and batch, at most one attempt."""

    __tablename__ = "charge_batch_items"
    __table_args__ = (UniqueConstraint("batch_id", "target_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("charge_batches.id", ondelete="CASCADE"), index=True)
    chunk_id: Mapped[int] = mapped_column(ForeignKey("charge_chunks.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int]
    number: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    #: due at selection time; the attempt holds what was actually asked for
    amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("payment_attempts.id"), index=True)
    #: why an item was skipped (already paid, payment in progress)
    message: Mapped[str] = mapped_column(Text, default="")
    #: the handler's log lines for this invoice
    log: Mapped[str] = mapped_column(Text, default="")

    attempt: Mapped["PaymentAttempt | None"] = relationship()  # noqa: F821
    customer: Mapped["Customer"] = relationship()  # noqa: F821


#: when an auto-charge filter fires, relative to the invoice's dates
AUTO_WHEN = {
    "day_of_issue": "Day of issue",
    "day_after_issue": "Day after issue",
    "day_before_due": "Day before due date",
    "on_due_date": "On due date",
    "days_after_issue": "+N days after issue",
}


class AutoChargeFilter(Timestamped, Base):
    """A saved selection charged without confirmation on the chosen day (``splynx charge run-scheduled``)."""

    __tablename__ = "charge_auto_filters"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(128), default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    target_kind: Mapped[str] = mapped_column(String(16), default="invoice")
    schedule: Mapped[str] = mapped_column(String(24), default="on_due_date")
    days_after_issue: Mapped[int] = mapped_column(default=0)
    handler: Mapped[str] = mapped_column(String(32))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    last_run_on: Mapped[date | None]

    @property
    def schedule_label(self) -> str:
        label = AUTO_WHEN.get(self.schedule, self.schedule)
        return label.replace("+N", f"+{self.days_after_issue}") if self.schedule == "days_after_issue" else label
