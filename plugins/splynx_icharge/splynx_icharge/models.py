"""The add-on's own table: the iCharge payment journal (``icharge_payments``).

One row per ProcessPayment, written *before* the request leaves and updated with the answer.
It tells a repeated call with the same attempt key to look the payment up by reference
instead of sending it again, and it is the trail operators read on the customer's iCharge
tab. It holds masked card labels only, never a card number.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, utcnow


class IchargePayment(Base):
    """One iCharge payment request and what xServ said about it."""

    __tablename__ = "icharge_payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the payment attempt's key: the payment's ``reference`` and its ``Idempotency-Key``
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    #: xServ's payment id (``pay_...``) once known
    gateway_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    #: ``Visa ending 1111``
    account: Mapped[str] = mapped_column(String(64), default="")
    recurring: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="sent", index=True)
    response_code: Mapped[str] = mapped_column(String(8), default="")
    auth_code: Mapped[str] = mapped_column(String(16), default="")
    response_text: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
