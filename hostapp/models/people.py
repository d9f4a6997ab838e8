"""Partners, locations, administrators and customers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import ZERO, Base, Timestamped


class Partner(Base):
    """A reseller or brand owning customers, settings overrides and refill-card series."""

    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class Location(Base):
    """A service area customers belong to."""

    __tablename__ = "locations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


#: which partners an administrator is limited to (none: every partner)
admin_partners = Table(
    "admin_partners", Base.metadata,
    Column("admin_id", ForeignKey("admins.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
)


class Admin(Timestamped, Base):
    """An administrator of the admin UI (separate login from customers)."""

    __tablename__ = "admins"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    email: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    #: a key of ``hostapp.web.roles.ROLES`` (``super``, ``admin``, ``manager``, ``financial``, ``viewer``)
    role: Mapped[str] = mapped_column(String(16), default="super")
    #: changes on every login, logout and password change; a session holding another one is over
    session_token: Mapped[str] = mapped_column(String(64), default="")
    last_login: Mapped[datetime | None]

    partners: Mapped[list[Partner]] = relationship(secondary=admin_partners, order_by=Partner.name)


CUSTOMER_STATUSES = {"new": "New (Not yet connected)", "active": "Active", "blocked": "Blocked",
                     "disabled": "Inactive (Doesn't use services)"}
BILLING_TYPES = {"recurring": "Recurring", "prepaid": "Prepaid (daily)", "prepaid_monthly": "Prepaid (monthly)"}


class Customer(Timestamped, Base):
    """A subscriber: portal login, billing facts and the account balance."""

    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    name: Mapped[str] = mapped_column(String(128))
    email: Mapped[str] = mapped_column(String(128), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")
    category: Mapped[str] = mapped_column(String(16), default="person")
    billing_type: Mapped[str] = mapped_column(String(16), default="recurring")
    #: payment due: the days an invoice issued to the customer gives them to pay
    billing_due: Mapped[int] = mapped_column(default=14, server_default="14")
    street: Mapped[str] = mapped_column(String(128), default="")
    zip_code: Mapped[str] = mapped_column(String(16), default="")
    city: Mapped[str] = mapped_column(String(64), default="")
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    payment_method_id: Mapped[int | None] = mapped_column(ForeignKey("payment_methods.id"))
    balance: Mapped[Decimal] = mapped_column(default=ZERO)
    #: changes on every login, logout and password change; a session holding another one is over
    session_token: Mapped[str] = mapped_column(String(64), default="")
    #: whether the customer gets finance e-mails (invoices, payments, refunds); Splynx's name
    send_finance_notification: Mapped[bool] = mapped_column(default=True)

    partner: Mapped[Partner] = relationship()
    location: Mapped[Location] = relationship()
    payment_method: Mapped["PaymentMethod | None"] = relationship()  # noqa: F821

    @property
    def status_label(self) -> str:
        return CUSTOMER_STATUSES.get(self.status, self.status)

    @property
    def billing_type_label(self) -> str:
        return BILLING_TYPES.get(self.billing_type, self.billing_type)
