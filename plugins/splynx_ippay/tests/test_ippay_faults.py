"""The unknown-outcome rules against the simulator's faults (real HTTP, real database)."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.payments import PaymentStatus
from hostapp.models import PaymentAttempt
from splynx_ippay.models import IppayTransaction
from tests import gateway_kit


@pytest.mark.parametrize("check", gateway_kit.FAULT_CHECKS, ids=lambda check: check.__name__)
def test_gateway_conformance(harness, check):
    check(harness)


def _journal(host, key):
    with host.db.transaction() as session:
        return session.execute(select(IppayTransaction).where(IppayTransaction.reference == key)).scalar_one()


def test_dropped_connection_before_charging_is_resent_with_the_same_transaction_id(harness, sim):
    customer = harness.customer_with_account()
    invoice = harness.invoice(customer, Decimal("30.00"))
    sim.faults.arm("drop", only="SALE")
    outcome = harness.pay(customer, invoice)
    key = harness.attempt_key(outcome)
    assert outcome.status is PaymentStatus.APPROVED
    assert [e["type"] for e in sim.app.journal() if e["transaction_id"] == key] == ["ENQ", "SALE"]
    assert harness.charges(key) == 1
    assert "not found by ENQ; re-sent" in _journal(harness.host, key).note


def test_dropped_connection_after_charging_is_found_by_enq(harness, sim):
    customer = harness.customer_with_account()
    invoice = harness.invoice(customer, Decimal("30.00"))
    sim.faults.arm("drop_after_charge", only="SALE")
    outcome = harness.pay(customer, invoice)
    key = harness.attempt_key(outcome)
    assert outcome.status is PaymentStatus.APPROVED
    assert [e["type"] for e in sim.app.journal() if e["transaction_id"] == key] == ["SALE", "ENQ"]
    assert len(harness.payments_of(invoice)) == 1


def test_timeout_with_failing_lookup_stays_unknown_then_reconciles_without_a_second_charge(harness, sim):
    customer = harness.customer_with_account()
    invoice = harness.invoice(customer, Decimal("30.00"))
    sim.faults.arm("timeout_after_charge", only="SALE")
    sim.faults.arm("http_5xx", only="ENQ")
    outcome = harness.pay(customer, invoice)
    assert outcome.status is PaymentStatus.UNKNOWN
    assert "not be charged twice" in outcome.message
    assert harness.reload(invoice).status == "pending"
    assert harness.payments_of(invoice) == []
    with harness.app.app_context():
        again = harness.host.payments.reconcile(outcome.attempt_id)
    key = harness.attempt_key(outcome)
    assert again.status is PaymentStatus.APPROVED
    assert harness.charges(key) == 1
    assert len(harness.payments_of(invoice)) == 1 and harness.reload(invoice).status == "paid"
    assert _journal(harness.host, key).note.startswith("sent before; found by ENQ")


def test_gateway_unreachable_charges_nothing(harness, ippay_host, ippay_configure):
    customer = harness.customer_with_account()
    invoice = harness.invoice(customer, Decimal("30.00"))
    ippay_configure(gateway_url="http://127.0.0.1:9/ippay")  # nothing listens on the discard port
    outcome = harness.pay(customer, invoice)
    assert outcome.status is PaymentStatus.DECLINED
    assert "could not be reached" in outcome.message
    assert harness.reload(invoice).status == "not_paid"
    with ippay_host.db.transaction() as session:
        attempt = session.get(PaymentAttempt, outcome.attempt_id)
        assert (attempt.status, attempt.open_target) == ("declined", None)


def test_late_answer_within_the_read_timeout_is_just_slow(harness, sim):
    customer = harness.customer_with_account()
    invoice = harness.invoice(customer, Decimal("30.00"))
    sim.faults.arm("late", only="SALE", delay=0.3)
    outcome = harness.pay(customer, invoice)
    assert outcome.status is PaymentStatus.APPROVED
    assert [e["type"] for e in sim.app.journal() if e["transaction_id"] == harness.attempt_key(outcome)] == ["SALE"]
