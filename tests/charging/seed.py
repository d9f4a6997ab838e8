"""Many customers with a saved card and an unpaid invoice each, written in bulk (tests, benchmarks).

The rows are what the host itself would write (an invoice with its item, the debit line
that issued it and the customer's balance), inserted with a few multi-row statements so
that 10,000 invoices take seconds rather than minutes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from hostapp.db import Database
from hostapp.models import (
    Customer,
    Invoice,
    InvoiceItem,
    Location,
    Partner,
    PaymentAccount,
    PaymentAccountType,
    Transaction,
    TransactionCategory,
)

ROWS_PER_STATEMENT = 1000


@dataclass(frozen=True)
class Seeded:
    """What was written: ids in creation order and the invoices' issue date."""

    customer_ids: list[int]
    invoice_ids: list[int]
    issued: date


def _chunks(rows: list[dict]):
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        yield rows[start:start + ROWS_PER_STATEMENT]


def seed_invoices(db: Database, *, gateway: str, count: int, total: str = "30.00", token: str = "tok-ok",
                  issued: date | None = None, tokens: list[str] | None = None) -> Seeded:
    """``count`` customers, each with a default saved ``gateway`` card and one unpaid invoice."""
    tag = secrets.token_hex(3)
    issued = issued or date.today()
    amount = Decimal(total)
    with db.transaction() as session:
        partner = Partner(name=f"Bulk partner {tag}")
        location = Location(name=f"Bulk location {tag}")
        session.add_all([partner, location])
        session.flush()
        account_type = session.execute(select(PaymentAccountType.id).where(
            PaymentAccountType.addon_id == gateway).order_by(PaymentAccountType.id)).scalars().first()
        service = session.execute(select(TransactionCategory.id).where(
            TransactionCategory.name == "Service")).scalar_one()
        for rows in _chunks([{"login": f"bulk-{tag}-{n}", "password_hash": "!", "name": f"Bulk customer {n}",
                              "email": f"bulk{n}@example.net", "zip_code": "12345", "partner_id": partner.id,
                              "location_id": location.id, "balance": -amount} for n in range(count)]):
            session.execute(insert(Customer), rows)
        customer_ids = list(session.execute(select(Customer.id).where(Customer.partner_id == partner.id)
                                            .order_by(Customer.id)).scalars())
        accounts = [{"customer_id": cid, "account_type_id": account_type, "gateway": gateway, "kind": "card",
                     "token": (tokens[n] if tokens else token), "brand": "Visa", "last4": "1111",
                     "expiry": "12/2031", "holder": f"Bulk customer {n}", "is_default": True}
                    for n, cid in enumerate(customer_ids)]
        for rows in _chunks(accounts):
            session.execute(insert(PaymentAccount), rows)
        invoices = [{"customer_id": cid, "number": f"B{tag}{n:06d}", "status": "not_paid", "date_created": issued,
                     "date_till": issued + timedelta(days=14), "total": amount, "due": amount}
                    for n, cid in enumerate(customer_ids)]
        for rows in _chunks(invoices):
            session.execute(insert(Invoice), rows)
        invoice_rows = session.execute(select(Invoice.id, Invoice.customer_id, Invoice.number).join(
            Customer, Customer.id == Invoice.customer_id).where(  # no IN list: 100,000 ids pass no driver
            Customer.partner_id == partner.id).order_by(Invoice.id)).all()
        for rows in _chunks([{"invoice_id": i, "description": "Internet", "price": amount}
                             for i, _, _ in invoice_rows]):
            session.execute(insert(InvoiceItem), rows)
        for rows in _chunks([{"customer_id": c, "type": "debit", "date": issued, "category_id": service,
                              "description": f"Invoice {number}", "total": amount, "balance_after": -amount,
                              "invoice_id": i, "source": "auto"} for i, c, number in invoice_rows]):
            session.execute(insert(Transaction), rows)
    return Seeded(customer_ids, [i for i, _, _ in invoice_rows], issued)
