"""The database model base add-ons share with the host, and the host records they join.

An add-on declares its tables on :class:`Base` (so they live in the host's metadata and
migrate with Alembic on the add-on's own branch) and may join or query the host's
records, which the host maps on the same base::

    from core.models import Base, Customer, utcnow

    class Voucher(Base):
        __tablename__ = "refill_cards_vouchers"
        id: Mapped[int] = mapped_column(primary_key=True)
        customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
        customer: Mapped[Customer | None] = relationship()

The host records (:data:`HOST_RECORDS`) are resolved by name from the shared mapper
registry when first used: ``core`` defines the contract, the running host provides the
classes. Their public columns are listed in ``docs/api.md``; an add-on reads them and
never writes money columns (payments go through the host's payment service).
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ZERO = Decimal("0.00")

#: the host's mapped classes an add-on may import from here, by class name
HOST_RECORDS = ("Customer", "Partner", "Invoice", "ProformaInvoice", "Payment", "PaymentAccount",
                "PaymentAttempt")


#: document statuses that still wait for money: *Unpaid* and *Pending* (a payment in flight)
UNPAID_STATUSES = ("not_paid", "pending")


def unpaid(model):
    """SQL condition for an unpaid invoice or proforma (``model``): the one definition the
    portal's dashboard tiles and the gateways' "Pay your invoices" widgets share.

    The statuses are one bound parameter each, not an expanding ``IN`` list: the statement
    compiles once, with nothing to render again on every execution."""
    from sqlalchemy import and_, literal

    return and_(model.status.in_([literal(status) for status in UNPAID_STATUSES]), model.due > 0)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (what every timestamp column stores)."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timestamps stored as naive UTC, always returned timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


Money = Numeric(12, 2, asdecimal=True)


class Base(DeclarativeBase):
    """The declarative base of every table, the host's and the add-ons'."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {Decimal: Money, datetime: UTCDateTime}


class Timestamped:
    """Mixin: a ``created_at`` column set when the row is inserted."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HostNotLoaded(ImportError):
    """A host record was asked for before the host application mapped its classes."""


def host_record(name: str) -> type:
    """The host's mapped class called ``name`` (one of :data:`HOST_RECORDS`)."""
    if name not in HOST_RECORDS:
        raise AttributeError(f"core.models has no host record {name!r}; records: {', '.join(HOST_RECORDS)}")
    for mapper in Base.registry.mappers:
        if mapper.class_.__name__ == name and not mapper.class_.__module__.startswith("splynx_"):
            return mapper.class_
    raise HostNotLoaded(f"core.models.{name} is provided by the running host: import add-on code from a host "
                        "(the app, a job or the splynx CLI), not on its own")


def __getattr__(name: str) -> type:
    if name in HOST_RECORDS:
        return host_record(name)
    raise AttributeError(f"module 'core.models' has no attribute {name!r}")
