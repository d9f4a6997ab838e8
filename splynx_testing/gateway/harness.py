"""What a gateway add-on tells the conformance suite: its host, simulator and a few facts.

An add-on's ``conftest.py`` builds one :class:`GatewayHarness` as the ``gateway_harness``
fixture; :class:`splynx_testing.gateway.GatewayConformance` runs every check against it. The
helpers here (:func:`save_settings`, :func:`charge_batch_for`, :func:`form_intent`) are what
the add-on's own tests use to configure it, build a Charge batch and post a money form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from core.gateway.cards import CardDetails, Expiry
from core.gateway.simulator import FaultBoard
from core.payments import ChargeBatch, ChargeItem, PaymentOutcome
from core.settings import SettingsSchema
from hostapp.host import Host
from hostapp.models import Customer, Invoice, Payment, PaymentAccount, PaymentAttempt
from hostapp.services.payments import saved_account
from hostapp.services.settings_store import SettingsStore


@dataclass
class GatewayHarness:
    """What a gateway add-on's tests hand to the checks."""

    host: Host
    #: the host's Flask app: hooks run inside its application context, as in a request
    app: Flask
    #: the add-on id (``ippay``)
    gateway: str
    #: the simulator's fault switchboard
    faults: FaultBoard
    #: how many charges the simulator booked for an attempt key
    charges: Callable[[str], int]
    #: a new customer with a saved default account of this gateway
    customer_with_account: Callable[[], Customer]
    #: creates an unpaid invoice of ``amount`` for a customer
    invoice: Callable[[Customer, Decimal], Invoice]
    #: the simulator's kind of a charge request, for faults aimed at charges only (``SALE``)
    charge_kind: str
    #: the simulator's kind of a look-up (``ENQ``) and its name in the add-on's journal notes
    lookup_kind: str
    lookup_name: str
    #: the kinds of the requests the simulator processed for an attempt key, oldest first
    sim_kinds: Callable[[str], list[str]]
    #: the simulator's kind of a refund request (``CREDIT``, ``REVERSAL``, ``ProcessRefund``)
    refund_kind: str
    #: the amounts (in cents) of every refund the simulator made, oldest first
    gateway_refunds: Callable[[], list[int]]
    #: the add-on's journal note of an attempt key (how its outcome was settled)
    journal_note: Callable[[str], str]
    #: points the add-on at an address where nothing listens
    make_unreachable: Callable[[], None]
    approving_amount: Decimal = Decimal("30.00")
    declining_amount: Decimal = Decimal("52.05")
    #: seconds the "late" fault holds a charge, so a second click arrives while it is in flight
    overlap_delay: float = 0.6
    #: a card the simulator approves, typed for one payment (direct links, "pay with a new card")
    typed_card: CardDetails = field(default_factory=lambda: CardDetails("4242424242424242", Expiry(11, 2031),
                                                                        "Jane Payer", "123"))
    #: every card/account number and CVV the add-on's tests use: none may be stored or logged
    card_numbers: tuple[str, ...] = ("4242424242424242",)
    card_codes: tuple[str, ...] = ("123",)

    def default_account(self, customer: Customer) -> PaymentAccount:
        with self.host.db.transaction() as session:
            return session.execute(select(PaymentAccount).where(
                PaymentAccount.customer_id == customer.id, PaymentAccount.gateway == self.gateway,
                PaymentAccount.is_default.is_(True))).scalar_one()

    def pay(self, customer: Customer, invoice: Invoice) -> PaymentOutcome:
        """Pay the invoice's due with the default account, as the portal's Pay button does."""
        with self.app.app_context():
            return self.host.payments.pay(gateway=self.gateway, customer_id=customer.id, target_kind="invoice",
                                          target_id=invoice.id,
                                          account_id=self.default_account(customer).id, initiated_by="test")

    def pay_typed(self, customer: Customer, invoice: Invoice) -> PaymentOutcome:
        """Pay with a card typed for this payment only, as a direct link's card form does."""
        with self.app.app_context():
            return self.host.payments.pay(gateway=self.gateway, customer_id=customer.id, target_kind="invoice",
                                          target_id=invoice.id, details={"card": self.typed_card},
                                          initiated_by="test")

    def reconcile(self, outcome: PaymentOutcome) -> PaymentOutcome:
        with self.app.app_context():
            return self.host.payments.reconcile(outcome.attempt_id)

    def payments_of(self, invoice: Invoice) -> list[Payment]:
        with self.host.db.transaction() as session:
            return list(session.execute(select(Payment).where(Payment.invoice_id == invoice.id)).scalars())

    def reload(self, invoice: Invoice) -> Invoice:
        with self.host.db.transaction() as session:
            return session.get(Invoice, invoice.id)

    def attempt_key(self, outcome: PaymentOutcome) -> str:
        with self.host.db.transaction() as session:
            return session.get(PaymentAttempt, outcome.attempt_id).key


def form_intent(page: str) -> str:
    """The one-time intent key a rendered form carries."""
    found = re.search(r'name="intent" value="([^"]+)"', page)
    assert found, "the form carries no intent key"
    return found.group(1)



def confirm_document(client, url: str, document) -> None:
    """Open an unsigned direct payment link as its holder would: type the document's number and total."""
    answer = client.post(url, data={"step": "confirm", "number": document.number, "total": f"{document.total:.2f}"})
    assert answer.status_code == 303, answer.get_data(as_text=True)


def save_settings(host: Host, addon_id: str, schema: SettingsSchema, partner_id: int = 0, **values) -> None:
    """Save add-on settings the way the Modules list form does (validated, secrets sealed)."""
    with host.db.transaction() as session:
        store = SettingsStore(session, host.box)
        raw = {k: ("1" if v is True else "0" if v is False else v) for k, v in values.items()}
        result = store.validate(addon_id, schema, raw, partner_id, keys=set(values))
        assert result.ok, result.errors
        store.save(addon_id, schema, result.values, actor="test", partner_id=partner_id)


def charge_batch_for(host: Host, gateway: str, invoices: list[Invoice],
                     concurrency: int) -> tuple[ChargeBatch, dict[int, int]]:
    """What the host's charge runner hands over: locked invoices, one attempt each, default accounts.

    Returns the batch and the attempt id of each invoice (to book results with
    ``host.payments.finish``).
    """
    items, attempts = [], {}
    with host.db.transaction() as session:
        for invoice in invoices:
            attempt = host.payments.open_attempt(session, gateway=gateway, customer_id=invoice.customer_id,
                                                 target_kind="invoice", target_id=invoice.id, amount=None,
                                                 initiated_by="charge", batch_id=1)
            account = session.execute(select(PaymentAccount).where(
                PaymentAccount.customer_id == invoice.customer_id, PaymentAccount.gateway == gateway,
                PaymentAccount.is_default.is_(True))).scalar_one_or_none()
            attempt.account_id = account.id if account else None
            attempts[invoice.id] = attempt.id
            items.append(ChargeItem(attempt.key, invoice.id, invoice.number, invoice.customer_id, attempt.amount,
                                    saved_account(account)))
    return ChargeBatch(1, tuple(items), concurrency=concurrency), attempts


