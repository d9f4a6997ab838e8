"""Document numbers: invoices ``{year}{partner|2}{next|6}``, proformas ``{year}{next|6}``,
receipts ``{year}-{method|2}-{next|5}``. One counter row per prefix, locked while it moves."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import NumberSequence


def next_in_sequence(session: Session, prefix: str) -> int:
    query = select(NumberSequence).where(NumberSequence.prefix == prefix).with_for_update()
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        try:  # the first number of a prefix: another transaction may be creating the row right now
            with session.begin_nested():
                session.add(NumberSequence(prefix=prefix, last=0))
        except IntegrityError:
            pass
        row = session.execute(query).scalar_one()
    row.last += 1
    session.flush()
    return row.last


def invoice_number(session: Session, partner_id: int, on: date) -> str:
    prefix = f"{on.year}{partner_id:02d}"
    return f"{prefix}{next_in_sequence(session, 'invoice-' + prefix):06d}"


def proforma_number(session: Session, on: date) -> str:
    return f"{on.year}{next_in_sequence(session, f'proforma-{on.year}'):06d}"


def receipt_number(session: Session, method_id: int, on: date) -> str:
    prefix = f"{on.year}-{method_id:02d}"
    return f"{prefix}-{next_in_sequence(session, 'receipt-' + prefix):05d}"
