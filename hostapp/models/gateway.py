"""Saved payment credentials and payment attempts (the write-ahead log of money movements)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import Base, Timestamped, utcnow


class PaymentAccountType(Base):
    """A kind of saved credential an add-on declares (Config → Finance → Payment accounts)."""

    __tablename__ = "payment_account_types"
    __table_args__ = (UniqueConstraint("addon_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    addon_id: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(64))
    field_labels: Mapped[list] = mapped_column(JSON, default=list)


class PaymentAccount(Timestamped, Base):
    """A customer's saved credential: a gateway token plus brand, last 4 and expiry. Never a card number."""

    __tablename__ = "payment_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    account_type_id: Mapped[int] = mapped_column(ForeignKey("payment_account_types.id"))
    gateway: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8), default="card")  # card | bank
    token: Mapped[str] = mapped_column(String(128))
    brand: Mapped[str] = mapped_column(String(32), default="")
    last4: Mapped[str] = mapped_column(String(4), default="")
    expiry: Mapped[str] = mapped_column(String(7), default="")  # MM/YYYY
    holder: Mapped[str] = mapped_column(String(128), default="")
    is_default: Mapped[bool] = mapped_column(default=False)

    account_type: Mapped[PaymentAccountType] = relationship()

    @property
    def masked(self) -> str:
        label = self.brand or ("Bank account" if self.kind == "bank" else "Card")
        tail = f" ending {self.last4}" if self.last4 else ""
        return f"{label}{tail}" + (f" (exp. {self.expiry})" if self.expiry else "")


ATTEMPT_STATUSES = ("pending", "approved", "declined", "unknown", "refunded")
#: attempt statuses still waiting for the gateway's word
OPEN = ("pending", "unknown")
#: the ``target_kind`` of a refund attempt
REFUND = "refund"


class PaymentAttempt(Base):
    """One intent to move money, written before the gateway is called.

    ``key`` is the gateway's idempotency key / transaction id. ``open_target`` holds
    ``"invoice:<id>"`` while the attempt is pending or unknown and is cleared when it ends;
    its unique constraint is what forbids two open attempts on one invoice (portable over
    SQLite, MariaDB and PostgreSQL, unlike partial indexes). ``intent`` is the signed one-time
    key of the form that asked for the money (unique: a double click, parallel posts or a
    refresh of one form are one attempt); ``note`` says why (a refund's reason, a manual
    resolution's). The reconciler keeps ``checks``,
    ``last_checked_at`` and ``next_check_at`` on attempts it could not settle yet.
    """

    __tablename__ = "payment_attempts"
    __table_args__ = (UniqueConstraint("gateway", "gateway_reference"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    gateway: Mapped[str] = mapped_column(String(32), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    target_kind: Mapped[str] = mapped_column(String(16))  # invoice | proforma | balance | refund
    target_id: Mapped[int | None]
    open_target: Mapped[str | None] = mapped_column(String(40), unique=True)
    amount: Mapped[Decimal]
    source: Mapped[str] = mapped_column(String(16), default="card")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("payment_accounts.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    gateway_reference: Mapped[str | None] = mapped_column(String(64))
    approval_code: Mapped[str] = mapped_column(String(32), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    batch_id: Mapped[int | None] = mapped_column(index=True)
    initiated_by: Mapped[str] = mapped_column(String(64), default="")
    intent: Mapped[str | None] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(String(255), default="", server_default="")
    checks: Mapped[int] = mapped_column(default=0, server_default="0")
    last_checked_at: Mapped[datetime | None]
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
