"""The reconciler: which attempts are due, back-off, claims, and ``splynx payments reconcile``."""

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from core.models import utcnow
from core.payments import PaymentStatus
from hostapp.cli import CLIContext, cli
from hostapp.models import ChargeBatch, Invoice, PaymentAttempt
from hostapp.services.reconciler import BACKOFF, backoff
from tests.plugins import fakepay


@pytest.fixture(autouse=True)
def _fakepay(install_addon):
    fakepay.GATEWAY.reset()
    install_addon(fakepay)


def _unknown(host, factory, total="40.00"):
    """An invoice whose payment raised before the gateway charged: unknown, nothing charged."""
    customer = factory.customer()
    invoice = factory.invoice(customer, total)
    fakepay.GATEWAY.script = ["raise"]
    outcome = host.payments.pay(gateway="fakepay", customer_id=customer.id, target_kind="invoice",
                                target_id=invoice.id)
    assert outcome.status is PaymentStatus.UNKNOWN
    return invoice, outcome.attempt_id


def _attempt(host, attempt_id) -> PaymentAttempt:
    with host.db.reading() as s:
        return s.get(PaymentAttempt, attempt_id)


def test_backoff_grows_then_stays_at_its_longest_wait():
    assert [backoff(n) for n in (1, 2, 3)] == list(BACKOFF[:3])
    assert backoff(99) == BACKOFF[-1] == timedelta(hours=6)


def test_an_unanswered_check_is_tried_again_after_the_backoff(host, factory):
    invoice, attempt_id = _unknown(host, factory)
    fakepay.GATEWAY.script = ["raise"]
    [check] = host.reconciler.sweep().checks
    assert check.outcome.status is PaymentStatus.UNKNOWN
    attempt = _attempt(host, attempt_id)
    assert attempt.checks == 1 and attempt.next_check_at is not None
    assert timedelta(seconds=25) < attempt.next_check_at - attempt.last_checked_at <= timedelta(seconds=30)
    assert host.reconciler.sweep().checks == [], "not due again before the back-off ends"
    check = host.reconciler.check(attempt_id, now_please=True)  # an administrator's Check now
    assert check.settled and check.outcome.approved and check.next_check_at is None
    with host.db.reading() as s:
        assert s.get(Invoice, invoice.id).status == "paid"
    assert list(fakepay.GATEWAY.charges.values()) == [invoice.total]
    assert host.reconciler.check(attempt_id, now_please=True) is None, "a settled attempt is not asked again"


def test_pending_attempts_are_due_only_after_their_lease(host, factory):
    customer = factory.customer()
    invoice = factory.invoice(customer, "25.00")
    with host.db.transaction() as s:
        attempt_id = host.payments.open_attempt(s, gateway="fakepay", customer_id=customer.id, target_kind="invoice",
                                                target_id=invoice.id, amount=None).id
    assert host.reconciler.due() == [], "a fresh pending attempt belongs to the request that wrote it"
    with host.db.transaction() as s:
        s.execute(update(PaymentAttempt).where(PaymentAttempt.id == attempt_id).values(
            updated_at=utcnow() - timedelta(seconds=host.config.attempt_lease_seconds + 1)))
    [check] = host.reconciler.sweep("fakepay").checks
    assert check.outcome.approved, "asked again with the same key: the gateway charged it now, once"
    assert len(fakepay.GATEWAY.charges) == 1


def test_items_of_a_running_batch_are_left_to_its_lanes(host, factory):
    _, attempt_id = _unknown(host, factory)
    with host.db.transaction() as s:
        batch = ChargeBatch(handler="fakepay", status="running")
        s.add(batch)
        s.flush()
        s.get(PaymentAttempt, attempt_id).batch_id = batch.id
    assert host.reconciler.due() == []
    with host.db.transaction() as s:
        s.get(ChargeBatch, batch.id).status = "ready"
    assert host.reconciler.due() == [attempt_id]


def test_cli_reconcile_reports_each_attempt(host, factory):
    _unknown(host, factory)
    context = CLIContext()
    context._host = host
    result = CliRunner().invoke(cli, ["payments", "reconcile", "--gateway", "fakepay"], obj=context)
    assert result.exit_code == 0, result.output
    assert ": approved." in result.output and result.output.endswith("1 attempt(s) checked: 1 approved.\n")
    assert CliRunner().invoke(cli, ["payments", "reconcile"], obj=context).output == "0 attempt(s) checked.\n"
