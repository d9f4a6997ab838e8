"""Small builders of host records for tests (partners, customers, invoices)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from hostapp.db import Database
from hostapp.models import Admin, Customer, Invoice, InvoiceItem, Location, Partner, ProformaInvoice, ProformaItem
from hostapp.services.ledger import issue_invoice
from hostapp.services.numbering import invoice_number, proforma_number
from hostapp.web.auth import hash_password

_counter = itertools.count(1)
_PASSWORD_HASHES: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _PASSWORD_HASHES:
        _PASSWORD_HASHES[password] = hash_password(password)
    return _PASSWORD_HASHES[password]


class Factory:
    """Each method commits and returns a detached, fully loaded record."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def partner(self, name: str | None = None) -> Partner:
        with self.db.transaction() as s:
            partner = Partner(name=name or f"Partner {next(_counter)}")
            s.add(partner)
        return partner

    def location(self, name: str | None = None) -> Location:
        with self.db.transaction() as s:
            location = Location(name=name or f"Location {next(_counter)}")
            s.add(location)
        return location

    def admin(self, login: str = "admin", password: str = "admin-password") -> Admin:
        with self.db.transaction() as s:
            admin = Admin(login=login, name=login.title(), password_hash=_hash(password))
            s.add(admin)
        return admin

    def customer(self, *, partner: Partner | None = None, location: Location | None = None,
                 password: str = "customer-password", **fields) -> Customer:
        partner = partner or self.partner()
        location = location or self.location()
        n = next(_counter)
        with self.db.transaction() as s:
            customer = Customer(login=fields.pop("login", f"cust{n}"), password_hash=_hash(password),
                                name=fields.pop("name", f"Customer {n}"), email=f"c{n}@example.net",
                                partner_id=partner.id, location_id=location.id, zip_code="12345", **fields)
            s.add(customer)
        return customer

    def invoice(self, customer: Customer, total: str | Decimal = "30.00", *, days_ago: int = 0,
                status: str = "not_paid") -> Invoice:
        total = Decimal(total)
        issued = date.today() - timedelta(days=days_ago)
        with self.db.transaction() as s:
            invoice = Invoice(customer_id=customer.id, number=invoice_number(s, customer.partner_id, issued),
                              date_created=issued, date_till=issued + timedelta(days=14), total=total, due=total,
                              status=status, items=[InvoiceItem(description="Internet", price=total)])
            s.add(invoice)
            issue_invoice(s, invoice)
        return invoice

    def proforma(self, customer: Customer, total: str | Decimal = "50.00") -> ProformaInvoice:
        total = Decimal(total)
        with self.db.transaction() as s:
            proforma = ProformaInvoice(customer_id=customer.id, number=proforma_number(s, date.today()),
                                       date_created=date.today(), date_till=date.today() + timedelta(days=10),
                                       total=total, due=total, items=[ProformaItem(description="Prepay", price=total)])
            s.add(proforma)
        return proforma

    def get(self, model, id_):
        with self.db.transaction() as s:
            return s.get(model, id_)
