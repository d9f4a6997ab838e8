"""The gateway conformance suite (splynx_testing.gateway) against the xServ simulator, and more.

Every check of the suite, plus what only a REST gateway with idempotency keys does: replays,
refused keys and duplicate references.
"""

from contextlib import contextmanager
from decimal import Decimal

from core.gateway.simulator import Reply
from core.payments import PaymentStatus
from splynx_testing import gateway as kit


class TestConformance(kit.GatewayConformance):
    """Every check of the suite against xServ."""


def test_http_5xx_after_charge_is_found_by_the_reference_look_up(gateway_harness, sim):
    customer = gateway_harness.customer_with_account()
    invoice = gateway_harness.invoice(customer, Decimal("30.00"))
    sim.faults.arm("http_5xx_after_charge", only="ProcessPayment")
    outcome = gateway_harness.pay(customer, invoice)
    key = gateway_harness.attempt_key(outcome)
    assert outcome.status is PaymentStatus.APPROVED
    assert gateway_harness.sim_kinds(key) == ["ProcessPayment", "TransactionStatus"]
    assert gateway_harness.charges(key) == 1 and len(gateway_harness.payments_of(invoice)) == 1


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


def test_a_resent_request_is_replayed_by_its_idempotency_key(gateway_harness, sim):
    """Time-out after charging and a look-up that misses it: the re-send is a replay, not a charge."""
    customer = gateway_harness.customer_with_account()
    invoice = gateway_harness.invoice(customer, Decimal("30.00"))
    sim.faults.arm("timeout_after_charge", only="ProcessPayment")
    with lagging_lookup(sim):
        outcome = gateway_harness.pay(customer, invoice)
    key = gateway_harness.attempt_key(outcome)
    assert outcome.status is PaymentStatus.APPROVED
    sends = [e for e in sim.app.journal() if e["kind"] == "ProcessPayment" and e.get("reference") == key]
    assert [e["replayed"] for e in sends] == [False, True]
    assert gateway_harness.charges(key) == 1 and len(gateway_harness.payments_of(invoice)) == 1
    assert "not found by reference look-up; re-sent; answered" in gateway_harness.journal_note(key)


def test_duplicate_reference_is_looked_up_not_charged_again(gateway_harness, sim):
    """Reconciled after xServ forgot the key: the re-send is refused as a duplicate reference and looked up."""
    customer = gateway_harness.customer_with_account()
    invoice = gateway_harness.invoice(customer, Decimal("30.00"))
    sim.faults.arm("timeout_after_charge", only="ProcessPayment")
    sim.faults.arm("http_5xx", only="TransactionStatus")
    outcome = gateway_harness.pay(customer, invoice)
    assert outcome.status is PaymentStatus.UNKNOWN
    for merchant in sim.app.merchants.values():
        merchant.keys.clear()  # xServ keeps keys for 24 h; this attempt is reconciled after that
    with lagging_lookup(sim):
        again = gateway_harness.reconcile(outcome)
    key = gateway_harness.attempt_key(outcome)
    assert again.status is PaymentStatus.APPROVED, again.message
    note = gateway_harness.journal_note(key)
    assert "re-sent; duplicate (iCharge: A payment with reference" in note
    assert note.endswith("found by reference look-up")
    assert gateway_harness.charges(key) == 1 and len(gateway_harness.payments_of(invoice)) == 1
