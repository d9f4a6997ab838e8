"""Conformance checks every payment gateway add-on runs against its simulator.

A gateway add-on's tests build a :class:`GatewayHarness` (its host, simulator switchboard,
a way to count charges at the simulator, a customer with a saved default account) and run
the checks, typically parametrized::

    @pytest.mark.parametrize("check", gateway_kit.FAULT_CHECKS, ids=lambda c: c.__name__)
    def test_conformance(harness, check):
        check(harness)

Each check pays one invoice through the host's :class:`~hostapp.services.payments.PaymentService`
(the same path as the portal) and asserts on the ledger and on what the simulator did:

* :func:`check_decline`: a declined card gives a clear message; the invoice stays unpaid.
* :func:`check_timeout_after_charge`: the gateway charged but the answer never came; the
  look-up finds it, one payment is recorded, there is no second charge.
* :func:`check_double_click`: two concurrent Pay clicks on one invoice charge once.
* :func:`check_garbage` / :func:`check_http_5xx`: an unreadable answer before charging
  gives a clear error and records nothing.
* :func:`check_garbage_after_charge`: an unreadable answer after charging is settled by the
  look-up: one payment, one charge.
* :func:`check_drop_before_charge`: a connection dropped before the gateway acted: looked
  up, not found, re-sent with the same key: one charge.
* :func:`check_drop_after_charge`: dropped after charging: found by the look-up.
* :func:`check_failed_lookup_reconciles`: time-out and a failing look-up leave the attempt
  unknown and the invoice pending; reconciling later finds the one charge.
* :func:`check_typed_card_reconciles`: the same with a card typed for that payment only:
  reconciling has no card details any more and settles by look-up alone.
* :func:`check_unreachable`: a gateway that cannot be reached charges nothing.
* :func:`check_late_answer`: an answer late but within the read time-out is just slow.

:func:`check_topup_form_charges_once` posts one top-up form twenty times at once over real
HTTP, then refreshes the result page: one attempt, one charge, one payment.

:data:`REFUND_CHECKS` refund payments through the host's payment service:

* :func:`check_parallel_refunds`: ten parallel full refunds of one payment: one refund at the
  gateway, one booked, the rest refused with a message, no other error.
* :func:`check_refund_faults`: the refund fault matrix (time-out after approval, dropped
  connections, 5xx and garbage before and after the gateway acted): each refund is settled
  by the add-on, the reconciler, or (where the gateway cannot be asked) by hand on what the
  gateway's records show, and exactly one refund is booked per refund the gateway made.

:func:`check_sweep_after_the_fault_set` runs the fault and refund checks in one go, then
the reconciler, and compares the books: every charge and refund at the gateway matches
exactly one booking in the host, and no attempt stays open.

:data:`RECONCILER_CHECKS` run the host's reconciler (its periodic thread) against the add-on:

* :func:`check_reconciler_books_unknown`: a garbage answer whose look-up fails too; with the
  gateway back, the reconciler books the one charge within its period: the invoice is *Paid*.
* :func:`check_reconciler_closes_never_charged`: a typed card whose request never reached the
  gateway and whose look-up failed is closed as not charged; the invoice is payable again.

:func:`assert_no_secrets` dumps every table and every captured log line and fails if a card
number, CVV or bank account number appears in either. :func:`save_settings` stores settings
as the Modules list form does; :func:`charge_batch_for` builds the batch the host's charge
runner hands to ``splynx_bulk_charge``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from flask import Flask
from sqlalchemy import MetaData, select

from core.gateway.cards import CardDetails, Expiry
from core.gateway.simulator import FaultBoard
from core.payments import ChargeBatch, ChargeItem, PaymentError, PaymentOutcome, PaymentStatus
from core.settings import SettingsSchema
from hostapp.db import Database
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
        card = CardDetails("4242424242424242", Expiry(11, 2031), "Jane Payer", "123")
        with self.app.app_context():
            return self.host.payments.pay(gateway=self.gateway, customer_id=customer.id, target_kind="invoice",
                                          target_id=invoice.id, details={"card": card}, initiated_by="test")

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


def _unpaid_after(h: GatewayHarness, invoice: Invoice, outcome: PaymentOutcome) -> None:
    assert h.payments_of(invoice) == [], "nothing may be recorded"
    again = h.reload(invoice)
    assert (again.status, again.due) == ("not_paid", invoice.due), "the invoice must stay payable"
    assert h.charges(h.attempt_key(outcome)) == 0, "the gateway must not have charged"


def _paid_once(h: GatewayHarness, invoice: Invoice, outcome: PaymentOutcome) -> None:
    assert outcome.status is PaymentStatus.APPROVED, outcome.message
    payments = h.payments_of(invoice)
    assert len(payments) == 1 and payments[0].amount == invoice.due
    assert h.reload(invoice).status == "paid"
    assert h.charges(h.attempt_key(outcome)) == 1, "exactly one charge at the gateway"


def check_decline(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.declining_amount)
    outcome = h.pay(customer, invoice)
    assert outcome.status is PaymentStatus.DECLINED
    assert "declined" in outcome.message.lower(), outcome.message
    assert h.payments_of(invoice) == []
    assert h.reload(invoice).status == "not_paid"


def check_timeout_after_charge(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.faults.arm("timeout_after_charge", only=h.charge_kind)
    _paid_once(h, invoice, h.pay(customer, invoice))


def check_garbage_after_charge(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.faults.arm("garbage_after_charge", only=h.charge_kind)
    _paid_once(h, invoice, h.pay(customer, invoice))


def _answered_before_charge(h: GatewayHarness, fault: str) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.faults.arm(fault, only=h.charge_kind)
    outcome = h.pay(customer, invoice)
    assert outcome.status is PaymentStatus.DECLINED, outcome.message
    assert "nothing was charged" in outcome.message.lower(), outcome.message
    _unpaid_after(h, invoice, outcome)


def check_garbage(h: GatewayHarness) -> None:
    _answered_before_charge(h, "garbage")


def check_http_5xx(h: GatewayHarness) -> None:
    _answered_before_charge(h, "http_5xx")


def check_double_click(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.faults.arm("late", only=h.charge_kind, delay=h.overlap_delay)
    start = threading.Barrier(2)
    outcomes: list[PaymentOutcome] = []
    refusals: list[str] = []

    def click() -> None:
        start.wait()
        try:
            outcomes.append(h.pay(customer, invoice))
        except PaymentError as exc:
            refusals.append(str(exc))

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(outcomes) == 1 and len(refusals) == 1, (outcomes, refusals)
    _paid_once(h, invoice, outcomes[0])


def check_drop_before_charge(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.faults.arm("drop", only=h.charge_kind)
    outcome = h.pay(customer, invoice)
    key = h.attempt_key(outcome)
    _paid_once(h, invoice, outcome)
    assert h.sim_kinds(key) == [h.lookup_kind, h.charge_kind], "looked up first, then re-sent once"
    assert f"not found by {h.lookup_name}; re-sent" in h.journal_note(key)


def check_drop_after_charge(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.faults.arm("drop_after_charge", only=h.charge_kind)
    outcome = h.pay(customer, invoice)
    _paid_once(h, invoice, outcome)
    assert h.sim_kinds(h.attempt_key(outcome)) == [h.charge_kind, h.lookup_kind]


def _unknown_until_reconciled(h: GatewayHarness, invoice: Invoice, outcome: PaymentOutcome) -> None:
    assert outcome.status is PaymentStatus.UNKNOWN, outcome.message
    assert "not be charged twice" in outcome.message
    assert h.reload(invoice).status == "pending", "an unknown payment blocks the invoice"
    assert h.payments_of(invoice) == []
    again = h.reconcile(outcome)
    key = h.attempt_key(outcome)
    assert again.status is PaymentStatus.APPROVED, again.message
    assert h.charges(key) == 1, "reconciling must not charge again"
    assert len(h.payments_of(invoice)) == 1 and h.reload(invoice).status == "paid"
    assert h.journal_note(key).startswith(f"sent before; found by {h.lookup_name}")


def check_failed_lookup_reconciles(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.faults.arm("timeout_after_charge", only=h.charge_kind)
    h.faults.arm("http_5xx", only=h.lookup_kind)
    _unknown_until_reconciled(h, invoice, h.pay(customer, invoice))


def check_typed_card_reconciles(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.faults.arm("timeout_after_charge", only=h.charge_kind)
    h.faults.arm("http_5xx", only=h.lookup_kind)
    _unknown_until_reconciled(h, invoice, h.pay_typed(customer, invoice))


def check_unreachable(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.make_unreachable()
    outcome = h.pay(customer, invoice)
    assert outcome.status is PaymentStatus.DECLINED
    assert "could not be reached" in outcome.message
    assert h.reload(invoice).status == "not_paid"
    with h.host.db.transaction() as session:
        attempt = session.get(PaymentAttempt, outcome.attempt_id)
        assert (attempt.status, attempt.open_target) == ("declined", None)


def check_late_answer(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.faults.arm("late", only=h.charge_kind, delay=0.3)
    outcome = h.pay(customer, invoice)
    _paid_once(h, invoice, outcome)
    assert h.sim_kinds(h.attempt_key(outcome)) == [h.charge_kind]


def form_intent(page: str) -> str:
    """The one-time intent key a rendered form carries."""
    found = re.search(r'name="intent" value="([^"]+)"', page)
    assert found, "the form carries no intent key"
    return found.group(1)


TOPUP_POSTS = 20


def check_topup_form_charges_once(h: GatewayHarness) -> None:
    import requests

    from tests.e2e.fixtures import LiveServer

    customer = h.customer_with_account()
    account = h.default_account(customer)
    server = LiveServer(h.host, h.app)
    try:
        browser = requests.Session()
        assert browser.post(f"{server.url}/portal/login", data={"login": customer.login,
                                                                 "password": "customer-password"}).ok
        url = f"{server.url}/{h.gateway}/"
        data = {"account_id": str(account.id), "amount": "20.00", "intent": form_intent(browser.get(url).text)}
        h.faults.arm("late", only=h.charge_kind, delay=0.5)  # the first post is at the gateway while the others arrive
        start, answers = threading.Barrier(TOPUP_POSTS), []

        def post() -> None:
            start.wait()
            answers.append(requests.post(url, data=data, cookies=browser.cookies, allow_redirects=False, timeout=30))

        threads = [threading.Thread(target=post) for _ in range(TOPUP_POSTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert [a.status_code for a in answers] == [303] * TOPUP_POSTS, "every post is redirected to its result"
        result = answers[0].headers["Location"]
        for _ in range(2):  # the result page, then a browser refresh of it
            page = browser.get(requests.compat.urljoin(url, result)).text
            assert "Success! Your transaction has been successfully processed." in page
    finally:
        server.stop()
    with h.host.db.transaction() as session:
        attempts = list(session.execute(select(PaymentAttempt).where(PaymentAttempt.customer_id == customer.id))
                        .scalars())
        payments = list(session.execute(select(Payment).where(Payment.customer_id == customer.id)).scalars())
        assert [a.status for a in attempts] == ["approved"] and len(payments) == 1
        assert session.get(Customer, customer.id).balance == Decimal("20.00")
    assert h.charges(attempts[0].key) == 1, "one charge at the gateway"


def _paid_payment(h: GatewayHarness) -> tuple[Customer, int]:
    customer = h.customer_with_account()
    outcome = h.pay(customer, h.invoice(customer, h.approving_amount))
    assert outcome.approved, outcome.message
    return customer, outcome.payment_id


def _booked_refunds(h: GatewayHarness, payment_id: int) -> list[Decimal]:
    with h.host.db.transaction() as session:
        return [p.amount for p in session.execute(select(Payment).where(Payment.refund_of_id == payment_id)).scalars()]


def _cents(amounts) -> int:
    return int(sum(-a for a in amounts) * 100)


REFUND_THREADS = 10


def check_parallel_refunds(h: GatewayHarness) -> None:
    _, payment_id = _paid_payment(h)
    before = len(h.gateway_refunds())
    h.faults.arm("late", only=h.refund_kind, delay=0.3)  # the first refund is at the gateway while the rest arrive
    start, outcomes, refused, failed = threading.Barrier(REFUND_THREADS), [], [], []

    def click() -> None:
        start.wait()
        try:
            with h.app.app_context():
                outcomes.append(h.host.payments.refund(gateway=h.gateway, payment_id=payment_id,
                                                       amount=h.approving_amount, initiated_by="admin:test"))
        except PaymentError as exc:
            refused.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - what the test must never see
            failed.append(repr(exc))

    threads = [threading.Thread(target=click) for _ in range(REFUND_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failed == [] and len(outcomes) + len(refused) == REFUND_THREADS
    assert [o.status for o in outcomes] == [PaymentStatus.APPROVED], (outcomes, refused)
    assert all("in progress" in r or "refunded in full" in r for r in refused), refused
    made = h.gateway_refunds()[before:]
    assert made == [int(h.approving_amount * 100)], "one refund at the gateway"
    assert _cents(_booked_refunds(h, payment_id)) == sum(made), "the gateway's ledger and the host's agree"


REFUND_FAULTS = ("timeout_after_charge", "drop_after_charge", "http_5xx_after_charge", "garbage_after_charge",
                 "drop", "http_5xx", "garbage")


def check_refund_faults(h: GatewayHarness) -> None:
    for fault in REFUND_FAULTS:
        _, payment_id = _paid_payment(h)
        before = len(h.gateway_refunds())
        h.faults.arm(fault, only=h.refund_kind, delay=2.0)
        with h.app.app_context():
            outcome = h.host.payments.refund(gateway=h.gateway, payment_id=payment_id, amount=h.approving_amount,
                                             initiated_by="admin:test")
        h.faults.clear()
        if outcome.status is PaymentStatus.UNKNOWN:
            h.host.reconciler.check(outcome.attempt_id, now_please=True)
        made = h.gateway_refunds()[before:]
        with h.host.db.transaction() as session:
            still_open = session.get(PaymentAttempt, outcome.attempt_id).status == "unknown"
        if still_open:  # the gateway cannot be asked (IPpay's linked CREDIT): an administrator reads its records
            h.host.payments.resolve(outcome.attempt_id, charged=bool(made), actor="admin:test",
                                    reason=f"gateway report after {fault}")
        assert len(made) <= 1, f"{fault}: refunded twice at the gateway"
        assert _cents(_booked_refunds(h, payment_id)) == sum(made), f"{fault}: host and gateway disagree"
        with h.host.db.transaction() as session:
            assert session.get(PaymentAttempt, outcome.attempt_id).status in ("approved", "declined"), fault


REFUND_CHECKS = (check_parallel_refunds, check_refund_faults)

RECONCILE_PERIOD = 0.3


def _reconciled_by_the_watch(h: GatewayHarness, invoice: Invoice, outcome: PaymentOutcome, status: str) -> None:
    """Bring the gateway back, run the reconciler's thread and wait for the invoice to reach ``status``."""
    from dataclasses import replace

    from hostapp.services.reconciler import watch

    assert outcome.status is PaymentStatus.UNKNOWN, outcome.message
    assert h.reload(invoice).status == "pending"
    h.faults.clear()
    h.host.config = replace(h.host.config, reconcile_seconds=RECONCILE_PERIOD)
    thread = watch(h.host).start()
    try:
        for _ in range(100):
            if h.reload(invoice).status != "pending":
                break
            threading.Event().wait(RECONCILE_PERIOD / 3)
    finally:
        thread.stop()
    assert h.reload(invoice).status == status
    with h.host.db.transaction() as session:
        attempt = session.get(PaymentAttempt, outcome.attempt_id)
        assert attempt.checks == 1 and attempt.last_checked_at is not None and attempt.next_check_at is None


def check_reconciler_books_unknown(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.faults.arm("garbage_after_charge", only=h.charge_kind)
    h.faults.arm("http_5xx", only=h.lookup_kind, times=None)
    outcome = h.pay(customer, invoice)
    _reconciled_by_the_watch(h, invoice, outcome, "paid")
    assert h.charges(h.attempt_key(outcome)) == 1
    assert [p.amount for p in h.payments_of(invoice)] == [invoice.due]


def check_reconciler_closes_never_charged(h: GatewayHarness) -> None:
    customer = h.customer_with_account()
    invoice = h.invoice(customer, h.approving_amount)
    h.faults.arm("drop", only=h.charge_kind)
    h.faults.arm("http_5xx", only=h.lookup_kind, times=None)
    outcome = h.pay_typed(customer, invoice)
    _reconciled_by_the_watch(h, invoice, outcome, "not_paid")
    assert h.charges(h.attempt_key(outcome)) == 0 and h.payments_of(invoice) == []
    with h.host.db.transaction() as session:
        attempt = session.get(PaymentAttempt, outcome.attempt_id)
        assert attempt.status == "declined" and "nothing was charged" in attempt.message


RECONCILER_CHECKS = (check_reconciler_books_unknown, check_reconciler_closes_never_charged)


FAULT_CHECKS = (check_decline, check_timeout_after_charge, check_garbage_after_charge, check_garbage,
                check_http_5xx, check_double_click, check_drop_before_charge, check_drop_after_charge,
                check_failed_lookup_reconciles, check_typed_card_reconciles, check_unreachable, check_late_answer)


# -- settings and charge batches --------------------------------------------------------------


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


# -- secrets ----------------------------------------------------------------------------------


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every log line of every logger (DEBUG and up) while the block runs, tracebacks included."""
    collector = _Collector()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    try:
        yield collector.lines
    finally:
        root.removeHandler(collector)
        root.setLevel(previous)


def dump_tables(db: Database) -> str:
    """Every row of every table as text (what an attacker with the database would read)."""
    meta = MetaData()
    meta.reflect(bind=db.engine)
    parts = []
    with db.engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(table.select()):
                parts.append(f"{table.name}: " + " | ".join(str(v) for v in row))
    return "\n".join(parts)


def assert_no_secrets(db: Database, log_lines: list[str], *, numbers: list[str], codes: list[str]) -> None:
    """Fail if a card/account number (anywhere) or a CVV (as a whole number) is stored or logged."""
    haystacks = {"database": dump_tables(db), "logs": "\n".join(log_lines)}
    for where, text in haystacks.items():
        digits_only = re.sub(r"[\s-]", "", text)
        for number in numbers:
            assert number not in text and number not in digits_only, f"a card/account number is in the {where}"
        for code in codes:
            assert not re.search(rf"(?<!\d){re.escape(code)}(?!\d)", text), f"a CVV is in the {where}"


def check_sweep_after_the_fault_set(h: GatewayHarness) -> None:
    for check in (*FAULT_CHECKS, *REFUND_CHECKS):
        if check is not check_unreachable:  # it points the add-on elsewhere for good
            check(h)
            h.faults.clear()
    h.host.reconciler.sweep()
    with h.host.db.transaction() as session:
        attempts = list(session.execute(select(PaymentAttempt)).scalars())
        booked = {p.id: p for p in session.execute(select(Payment)).scalars()}
    assert [a.key for a in attempts if a.status in ("pending", "unknown")] == [], "no attempt stays open"
    for attempt in attempts:
        moved = attempt.status in ("approved", "refunded")
        assert (attempt.payment_id is not None) == moved, attempt.key
        if attempt.target_kind != "refund":
            assert h.charges(attempt.key) == int(moved), f"{attempt.key}: gateway and host disagree"
    assert sum(h.gateway_refunds()) == _cents(p.amount for p in booked.values() if p.refund_of_id), "refunds agree"
    assert len([p for p in booked.values() if not p.refund_of_id]) == len(
        [a for a in attempts if a.target_kind != "refund" and a.payment_id]), "one booking per charge"


def confirm_document(client, url: str, document) -> None:
    """Open an unsigned direct payment link as its holder would: type the document's number and total."""
    answer = client.post(url, data={"step": "confirm", "number": document.number, "total": f"{document.total:.2f}"})
    assert answer.status_code == 303, answer.get_data(as_text=True)
