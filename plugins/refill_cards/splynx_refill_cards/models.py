"""Refill-card tables: series, cards, per-customer redeem throttling and export files."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, case
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import Base, utcnow

#: stored card statuses; "expired" is derived from ``valid_till`` (see :func:`status_expression`)
ACTIVE, USED, DISABLED, EXPIRED = "active", "used", "disabled", "expired"
STATUS_LABELS = {ACTIVE: "Active", USED: "Used", DISABLED: "Disabled", EXPIRED: "Expired"}

#: codes are case-sensitive: MariaDB/MySQL compare text case-insensitively unless the column is binary
#: (a generic String with the collation: the DDL is MySQL's ``VARCHAR(96) COLLATE utf8mb4_bin``, and
#: the MySQL dialect's modules stay out of start-up on the other databases)
CODE_TYPE = String(96).with_variant(String(96, collation="utf8mb4_bin"), "mysql", "mariadb")


class Series(Base):
    """A batch of cards generated together; the id is ``YYYYNN`` (year + number in that year)."""

    __tablename__ = "refill_cards_series"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    prefix: Mapped[str] = mapped_column(String(32))
    price: Mapped[Decimal]
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    #: only customers of ``partner_id`` may redeem the cards (ticked by default at generation)
    locked_to_partner: Mapped[bool] = mapped_column(default=False)
    valid_till: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="system")

    partner: Mapped[Partner | None] = relationship()


class Card(Base):
    """One refill card; ``full_code`` is ``<series>-<prefix>-<random>`` and unique."""

    __tablename__ = "refill_cards_cards"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("refill_cards_series.id"), index=True)
    full_code: Mapped[str] = mapped_column(CODE_TYPE, unique=True)
    price: Mapped[Decimal]
    valid_till: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE, index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    activated_at: Mapped[datetime | None]
    redeemed_by: Mapped[str] = mapped_column(String(64), default="")
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    #: the host payment attempt that redeemed the card through the refill-balance hook
    attempt_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    series: Mapped[Series] = relationship()
    customer: Mapped[Customer | None] = relationship()

    def status_on(self, today: date) -> str:
        """The status an operator sees: an active card past its valid-until date is expired."""
        if self.status == ACTIVE and self.valid_till < today:
            return EXPIRED
        return self.status

    def status_label(self, today: date) -> str:
        return STATUS_LABELS[self.status_on(today)]


def status_expression(today: date):
    """SQL for :meth:`Card.status_on`, for filters and the report."""
    return case((Card.status == ACTIVE, case((Card.valid_till < today, EXPIRED), else_=ACTIVE)),
                else_=Card.status)


class Export(Base):
    """A CSV or PDF file of one series, written by a background job into the instance folder."""

    __tablename__ = "refill_cards_exports"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("refill_cards_series.id"), index=True)
    format: Mapped[str] = mapped_column(String(8))
    file_name: Mapped[str] = mapped_column(String(128), default="")
    job_id: Mapped[int | None]
    #: queued, ready (the file is written) or failed
    status: Mapped[str] = mapped_column(String(16), default="queued")
    cards: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="system")
