"""Demo data: two partners, an administrator and about thirty customers with invoices in every status.

What add-ons keep (saved cards at a gateway) is added by the add-ons themselves once they are
installed: :class:`AddonDemoData` asks each one through ``splynx_demo_data``.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from core.demo import DemoSetup

from .models import (Admin, Customer, Invoice, InvoiceItem, Location, Partner, PaymentAccount, ProformaInvoice,
                     ProformaItem)
from .services.ledger import PaymentBooking, issue_invoice, payment_method_id, record_payment
from .services.numbering import invoice_number, proforma_number
from .web.auth import hash_password

ADMIN_LOGIN, ADMIN_PASSWORD = "admin", "admin-demo"
CUSTOMER_PASSWORD = "portal-demo"
PLANS = [("Home 50 Mbps", Decimal("29.90")), ("Home 100 Mbps", Decimal("39.90")), ("Business 300 Mbps", Decimal("89.00")),
         ("Fiber 1 Gbps", Decimal("59.00"))]
FIRST = ["Anna", "Ben", "Carla", "David", "Elena", "Frank", "Grace", "Hugo", "Iris", "Jonas", "Kira", "Liam", "Maya",
         "Noah", "Olga", "Paul"]
LAST = ["Novak", "Weber", "Silva", "Kowalski", "Moreau", "Jensen", "Costa", "Horvat", "Berg", "Duarte"]
#: how many demo customers each gateway add-on gives saved test cards
CARD_HOLDERS_PER_GATEWAY = 3

log = logging.getLogger(__name__)


def seed_demo(session: Session, customers: int = 30, rng: random.Random | None = None,
              today: date | None = None) -> bool:
    """Add demo data once, dated relative to ``today`` and never after it; ``False`` if there are customers."""
    if session.execute(select(func.count()).select_from(Customer)).scalar_one():
        return False
    rng = rng or random.Random(7)
    partners = [Partner(name="Main ISP"), Partner(name="Riverside Networks")]
    locations = [Location(name="Downtown"), Location(name="Hillside")]
    session.add_all(partners + locations)
    session.add(Admin(login=ADMIN_LOGIN, name="Demo Administrator", email="admin@example.net",
                      password_hash=hash_password(ADMIN_PASSWORD)))
    session.flush()
    today = today or date.today()
    bank_transfer = payment_method_id(session, "Bank transfer")  # the customers' billing payment method
    password_hash = hash_password(CUSTOMER_PASSWORD)
    for n in range(1, customers + 1):
        name = f"{FIRST[n % len(FIRST)]} {LAST[(n * 3) % len(LAST)]}"
        customer = Customer(
            login=f"demo{n:02d}", password_hash=password_hash, name=name,
            email=f"{name.split()[0].lower()}.{n}@example.net", phone=f"+1 555 01{n:02d}",
            status="active" if n % 9 else "blocked", billing_type="prepaid" if n % 5 == 0 else "recurring",
            street=f"{10 + n} Main Street", zip_code=f"{90000 + n}", city="Springfield",
            partner_id=partners[n % 2].id, location_id=locations[n % 2].id, payment_method_id=bank_transfer)
        session.add(customer)
        session.flush()
        plan, price = PLANS[n % len(PLANS)]
        for months_ago in (2, 1, 0):
            issued = (today.replace(day=1) - timedelta(days=30 * months_ago)).replace(day=1)
            invoice = Invoice(customer_id=customer.id, number=invoice_number(session, customer.partner_id, issued),
                              date_created=issued, date_till=issued + timedelta(days=14), total=price, due=price,
                              items=[InvoiceItem(description=f"{plan} ({issued:%B %Y})", price=price,
                                                 period_from=issued, period_to=issued + timedelta(days=29))])
            session.add(invoice)
            issue_invoice(session, invoice)
            _settle_demo_invoice(session, invoice, months_ago, n, rng, today)
        if n % 4 == 0:
            amount = Decimal("50.00")
            session.add(ProformaInvoice(customer_id=customer.id, number=proforma_number(session, today),
                                        date_created=today, date_till=today + timedelta(days=10), total=amount,
                                        due=amount, items=[ProformaItem(description="Prepayment", price=amount)]))
    return True


def _settle_demo_invoice(session: Session, invoice: Invoice, months_ago: int, n: int, rng: random.Random,
                         today: date) -> None:
    """Spread statuses: old invoices mostly paid, some partial, some overdue, a few deleted.

    A payment is dated five days after its invoice, or today if that is still to come.
    """
    if months_ago == 2 and n % 7 == 0:
        invoice.status = "deleted"
        return
    if months_ago == 0 and n % 6 == 0:
        invoice.status = "pending"
        return
    roll = rng.random()
    if months_ago and roll < 0.7:
        amount = invoice.total
    elif roll < 0.25:
        amount = (invoice.total / 2).quantize(Decimal("0.01"))
    else:
        return
    record_payment(session, PaymentBooking(customer_id=invoice.customer_id, amount=amount, method="Bank transfer",
                                           invoice=invoice, comment="Bank transfer", allocate_surplus=False,
                                           on=min(invoice.date_created + timedelta(days=5), today)))


def card_holders(session: Session, gateway: str, count: int = CARD_HOLDERS_PER_GATEWAY) -> tuple[int, ...]:
    """Active demo customers whom ``gateway`` may give saved test cards.

    Those who already hold an account of ``gateway`` first (asked again, after a restart or a
    charge that paid their invoices, the gateway is offered the same customers and adds
    nothing), then customers with an unpaid invoice and no saved account of another gateway, by
    login: each gateway gets customers of its own, so a Charge with it approves their invoices.
    """
    own = select(PaymentAccount.customer_id).where(PaymentAccount.gateway == gateway)
    others = select(PaymentAccount.customer_id).where(PaymentAccount.gateway != gateway)
    owing = select(Invoice.customer_id).where(Invoice.status == "not_paid", Invoice.due > 0)
    return tuple(session.execute(
        select(Customer.id).where(Customer.status == "active", Customer.id.not_in(others),
                                  or_(Customer.id.in_(own), Customer.id.in_(owing)))
        .order_by(case((Customer.id.in_(own), 0), else_=1), Customer.login).limit(count)).scalars())


class AddonDemoData:
    """Asks installed add-ons for their share of the demo data (``splynx_demo_data``).

    ``splynx demo`` asks every installed add-on when it starts and each add-on installed
    from the Add-ons page while it runs (:attr:`hostapp.services.registry.Registry.after_install`),
    handing a gateway add-on its simulator's URL and the customers it may give saved cards.
    """

    def __init__(self, host, gateway_urls: dict[str, str], say: Callable[[str], object] = log.info) -> None:
        self.host = host
        #: add-on id → the Gateway URL of its running simulator
        self.gateway_urls = gateway_urls
        self.say = say

    def add(self, addon_id: str) -> list[str]:
        """Ask one add-on; says and returns the lines it answered."""
        url = self.gateway_urls.get(addon_id, "")
        with self.host.db.reading() as session:
            customers = card_holders(session, addon_id) if url else ()
        lines = self.host.addons.hooks.demo_data(addon_id, DemoSetup(url, customers))
        for line in lines:
            self.say(f"  Demo data ({addon_id}): {line}")
        return lines

    def add_installed(self) -> list[str]:
        """Ask every installed add-on, in add-on id order."""
        return [line for addon_id in sorted(self.host.addons.loaded) for line in self.add(addon_id)]
