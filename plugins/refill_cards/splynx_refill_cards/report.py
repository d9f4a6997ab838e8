"""Refill cards statistics: per series totals of cards and amounts by status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core import models as records

from .models import ACTIVE, DISABLED, EXPIRED, USED, Card, Series, status_expression

STATUSES = (USED, ACTIVE, EXPIRED, DISABLED)


@dataclass(frozen=True)
class SeriesTotals:
    """One report row: a series with its card counts and amounts per status."""

    series_id: int
    prefix: str
    partner: str
    price: Decimal
    count: int
    counts: dict[str, int]
    amounts: dict[str, Decimal]


def series_totals(session: Session, *, start: date | None = None, end: date | None = None,
                  partner_id: int | None = None, series_id: int | None = None,
                  today: date | None = None, partners: frozenset[int] | None = None) -> list[SeriesTotals]:
    """Totals for every series created in the period (and of the partner, or of ``partners``), newest first."""
    status = status_expression(today or date.today())
    columns = [Series.id, Series.prefix, records.Partner.name, Series.price, func.count(Card.id)]
    columns += [func.sum(case((status == name, 1), else_=0)) for name in STATUSES]
    columns += [func.sum(case((status == name, Card.price), else_=0)) for name in STATUSES]
    query = (select(*columns).select_from(Series).outerjoin(records.Partner, records.Partner.id == Series.partner_id)
             .outerjoin(Card, Card.series_id == Series.id)
             .group_by(Series.id, Series.prefix, records.Partner.name, Series.price).order_by(Series.id.desc()))
    if start:
        query = query.where(Series.created_at >= datetime.combine(start, time.min, timezone.utc))
    if end:
        query = query.where(Series.created_at <= datetime.combine(end, time.max, timezone.utc))
    if partner_id:
        query = query.where(Series.partner_id == partner_id)
    if series_id:
        query = query.where(Series.id == series_id)
    if partners is not None:
        query = query.where(Series.partner_id.in_(sorted(partners)))
    rows = []
    for row in session.execute(query):
        counts = {name: int(row[5 + i] or 0) for i, name in enumerate(STATUSES)}
        amounts = {name: Decimal(row[9 + i] or 0).quantize(Decimal("0.01")) for i, name in enumerate(STATUSES)}
        rows.append(SeriesTotals(row[0], row[1], row[2] or "Any", row[3], int(row[4]), counts, amounts))
    return rows
