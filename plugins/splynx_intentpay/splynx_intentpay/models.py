"""The add-on's tables (every name starts with ``intentpay_``); created by its own Alembic branch."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, utcnow


class IntentpayTransaction(Base):
    """The journal of what was sent to the gateway, one row per payment attempt key.

    Written before the gateway is called, so a second call for the same attempt knows it was
    sent before and looks it up instead of charging again. No card data: the gateway's id,
    the amount and how the outcome was settled (``note``).
    """

    __tablename__ = "intentpay_transactions"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(16), default="sent")
    gateway_id: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

