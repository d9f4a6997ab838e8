"""The payment checks of the conformance suite: faults, double clicks, the reconciler.

Each check pays one invoice through the host's payment service (the same path as the portal)
and asserts on the ledger and on what the simulator did:

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

:data:`RECONCILER_CHECKS` run the host's reconciler (its periodic thread) against the add-on:

* :func:`check_reconciler_books_unknown`: a garbage answer whose look-up fails too; with the
  gateway back, the reconciler books the one charge within its period: the invoice is *Paid*.
* :func:`check_reconciler_closes_never_charged`: a typed card whose request never reached the
  gateway and whose look-up failed is closed as not charged; the invoice is payable again.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlalchemy import select

from core.identity import AddonIdentity
from core.payments import PaymentError, PaymentOutcome, PaymentStatus
from hostapp.models import Customer, Invoice, Payment, PaymentAttempt

from .harness import GatewayHarness, form_intent


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


FAULT_CHECKS = (check_decline, check_timeout_after_charge, check_garbage_after_charge, check_garbage,
                check_http_5xx, check_double_click, check_drop_before_charge, check_drop_after_charge,
                check_failed_lookup_reconciles, check_typed_card_reconciles, check_unreachable, check_late_answer)



TOPUP_POSTS = 20


def check_topup_form_charges_once(h: GatewayHarness) -> None:
    import requests

    from splynx_testing.browser import LiveServer

    customer = h.customer_with_account()
    account = h.default_account(customer)
    server = LiveServer(h.host, h.app)
    try:
        browser = requests.Session()
        assert browser.post(f"{server.url}/portal/login", data={"login": customer.login,
                                                                 "password": "customer-password"}).ok
        url = f"{server.url}{AddonIdentity(h.gateway).url_prefix}/"
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


