"""The unknown-outcome rules against the xServ simulator's faults (real HTTP, real database).

The shared gateway kit's checks (tests/gateway_kit.py), as splynx-ippay runs them, plus what
only a REST gateway with idempotency keys does: replays, refused keys and duplicate references.
"""

from contextlib import contextmanager
from decimal import Decimal

import pytest

from core.gateway.simulator import Reply
from core.payments import PaymentStatus
from tests import gateway_kit


@pytest.mark.parametrize("check", gateway_kit.FAULT_CHECKS, ids=lambda check: check.__name__)
def test_gateway_conformance(harness, check):
    check(harness)


def test_parallel_posts_of_one_topup_form_charge_once(harness):
    gateway_kit.check_topup_form_charges_once(harness)


@pytest.mark.parametrize("check", gateway_kit.RECONCILER_CHECKS, ids=lambda check: check.__name__)
def test_reconciler(harness, check):
    check(harness)


def test_http_5xx_after_charge_is_found_by_the_reference_look_up(harness, sim):
    customer = harness.customer_with_account()
    invoice = harness.invoice(customer, Decimal("30.00"))
    sim.faults.arm("http_5xx_after_charge", only="ProcessPayment")
    outcome = harness.pay(customer, invoice)
    key = harness.attempt_key(outcome)
    assert outcome.status is PaymentStatus.APPROVED
    assert harness.sim_kinds(key) == ["ProcessPayment", "TransactionStatus"]
    assert harness.charges(key) == 1 and len(harness.payments_of(invoice)) == 1


@contextmanager
def lagging_lookup(sim):
    """The next look-up by reference runs before xServ's index has the payment (finds nothing)."""
    original = sim.app._find_payments

    def lagging(merchant, request):
        sim.app._find_payments = original
        return Reply(200, b'{"object": "list", "data": []}', "application/json")

    sim.app._find_payments = lagging
    try:
        yield
    finally:
        sim.app._find_payments = original


def test_a_resent_request_is_replayed_by_its_idempotency_key(harness, sim):
    """Time-out after charging and a look-up that misses it: the re-send is a replay, not a charge."""
    customer = harness.customer_with_account()
    invoice = harness.invoice(customer, Decimal("30.00"))
    sim.faults.arm("timeout_after_charge", only="ProcessPayment")
    with lagging_lookup(sim):
        outcome = harness.pay(customer, invoice)
    key = harness.attempt_key(outcome)
    assert outcome.status is PaymentStatus.APPROVED
    sends = [e for e in sim.app.journal() if e["kind"] == "ProcessPayment" and e.get("reference") == key]
    assert [e["replayed"] for e in sends] == [False, True]
    assert harness.charges(key) == 1 and len(harness.payments_of(invoice)) == 1
    assert "not found by reference look-up; re-sent; answered" in harness.journal_note(key)


def test_duplicate_reference_is_looked_up_not_charged_again(harness, sim):
    """Reconciled after xServ forgot the key: the re-send is refused as a duplicate reference and looked up."""
    customer = harness.customer_with_account()
    invoice = harness.invoice(customer, Decimal("30.00"))
    sim.faults.arm("timeout_after_charge", only="ProcessPayment")
    sim.faults.arm("http_5xx", only="TransactionStatus")
    outcome = harness.pay(customer, invoice)
    assert outcome.status is PaymentStatus.UNKNOWN
    for merchant in sim.app.merchants.values():
        merchant.keys.clear()  # xServ keeps keys for 24 h; this attempt is reconciled after that
    with lagging_lookup(sim):
        again = harness.reconcile(outcome)
    key = harness.attempt_key(outcome)
    assert again.status is PaymentStatus.APPROVED, again.message
    note = harness.journal_note(key)
    assert "re-sent; duplicate (iCharge: A payment with reference" in note
    assert note.endswith("found by reference look-up")
    assert harness.charges(key) == 1 and len(harness.payments_of(invoice)) == 1


@pytest.mark.parametrize("check", gateway_kit.REFUND_CHECKS, ids=lambda check: check.__name__)
def test_refunds(harness, check):
    check(harness)


def test_sweep_after_the_whole_fault_set(harness):
    gateway_kit.check_sweep_after_the_fault_set(harness)
