"""The refund checks of the conformance suite, and the sweep that compares the books.

* :func:`check_parallel_refunds`: ten parallel full refunds of one payment: one refund at the
  gateway, one booked, the rest refused with a message, no other error.
* :func:`check_refund_faults`: the refund fault matrix (time-out after approval, dropped
  connections, 5xx and garbage before and after the gateway acted): each refund is settled
  by the add-on, the reconciler, or (where the gateway cannot be asked) by hand on what the
  gateway's records show, and exactly one refund is booked per refund the gateway made.

:func:`check_sweep_after_the_fault_set` runs the fault and refund checks in one go, then
the reconciler, and compares the books: every charge and refund at the gateway matches
exactly one booking in the host, and no attempt stays open.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlalchemy import select

from core.payments import PaymentError, PaymentStatus
from hostapp.models import Customer, Payment, PaymentAttempt

from .checks import FAULT_CHECKS, check_unreachable
from .harness import GatewayHarness


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
