"""Helpers the refill cards tests share."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from splynx_refill_cards.models import Card
from splynx_testing.machine import require_tool


def expire_card(db, full_code: str) -> None:
    """Move a card's valid-until date into the past (cards cannot be generated already expired)."""
    with db.transaction() as session:
        card = session.execute(select(Card).where(Card.full_code == full_code)).scalar_one()
        card.valid_till = date.today() - timedelta(days=1)


def balance_of(db, customer_id: int) -> Decimal:
    from hostapp.models import Customer

    with db.transaction() as session:
        return session.get(Customer, customer_id).balance


def pdf_text(pdf: bytes, *options: str) -> str:
    """The text of a PDF through poppler's ``pdftotext`` (``options`` such as ``-layout``)."""
    pdftotext = require_tool("pdftotext", "poppler-utils")
    return subprocess.run([pdftotext, *options, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
