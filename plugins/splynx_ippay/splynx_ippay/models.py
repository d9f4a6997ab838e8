"""The add-on's own table: the IPpay transaction journal (``ippay_transactions``).

One row per money transaction sent to IPpay (SALE, CHECK, CREDIT, REVERSAL), written
*before* the request leaves, updated with the answer. It tells a repeated call with the same
attempt key to look the transaction up (ENQ) instead of sending it again, keeps the audit
trail operators read on the customer's IPpay tab (the host's payment service holds the lock
that allows one refund of a payment in flight). It holds masked account labels only, never card or account numbers.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, utcnow

JOURNAL_STATUSES = ("sent", "approved", "declined", "unknown")


class IppayTransaction(Base):
    """One IPpay money transaction and what the gateway said about it."""

    __tablename__ = "ippay_transactions"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: our key: the payment attempt's key for SALE/CHECK, a fresh key for refunds
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    transaction_type: Mapped[str] = mapped_column(String(16))
    #: the TransactionID on the wire (a linked CREDIT carries the original sale's)
    transaction_id: Mapped[str] = mapped_column(String(32), index=True)
    #: the TransactionID IPpay answered with (a CREDIT gets its own)
    gateway_transaction_id: Mapped[str] = mapped_column(String(32), default="")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    #: for refunds: the payment being refunded
    refund_of_payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    amount: Mapped[Decimal]
    account: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="sent", index=True)
    action_code: Mapped[str] = mapped_column(String(8), default="")
    approval: Mapped[str] = mapped_column(String(16), default="")
    response_text: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
