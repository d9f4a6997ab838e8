"""Refunds through the payment service's door: what is left to refund, the refund attempt, its booking.

:meth:`~hostapp.services.payments.PaymentService.refund` calls :func:`open_refund` in one
transaction with the refunded payment locked, so parallel refunds can never give back more
than was paid; the attempt's ``open_target`` (``refund:<payment id>``) allows one refund of a
payment in flight. An approved refund is booked by :func:`book_refund` as a negative payment
linked to the original, under the refund attempt's key.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import ZERO
from core.payments import (
    CENT,
    PaymentError,
    PaymentInProgress,
    PaymentResult,
    PaymentStatus,
    new_attempt_key,
    transition,
)

from ..models import Payment, PaymentAttempt
from ..models.gateway import OPEN, REFUND
from .charge_tallies import forget_attempts
from .ledger import record_refund


def refundable_many(session: Session, payments: list[Payment]) -> dict[int, Decimal]:
    """Each payment's amount less refunds booked (negative payments) and refunds in flight, in two
    queries: ``{payment id: amount}``."""
    ids = [payment.id for payment in payments]
    if not ids:
        return {}
    booked = dict(session.execute(select(Payment.refund_of_id, func.sum(Payment.amount)).where(
        Payment.refund_of_id.in_(ids)).group_by(Payment.refund_of_id)).all())
    in_flight = dict(session.execute(select(PaymentAttempt.target_id, func.sum(PaymentAttempt.amount)).where(
        PaymentAttempt.target_kind == REFUND, PaymentAttempt.target_id.in_(ids),
        PaymentAttempt.status.in_(OPEN)).group_by(PaymentAttempt.target_id)).all())
    return {payment.id: payment.amount + Decimal(booked.get(payment.id) or 0) - Decimal(in_flight.get(payment.id) or 0)
            for payment in payments}


def refundable(session: Session, payment_id: int) -> Decimal:
    """What is left to refund of one payment (see :func:`refundable_many`)."""
    return refundable_many(session, [session.get(Payment, payment_id)])[payment_id]


def attempt_of(session: Session, payment: Payment) -> PaymentAttempt | None:
    """The attempt that booked ``payment`` (``None`` for payments booked by hand)."""
    return session.execute(select(PaymentAttempt).where(PaymentAttempt.payment_id == payment.id)).scalar_one_or_none()


def open_refund(session: Session, *, gateway: str, payment_id: int, amount: Decimal, initiated_by: str,
                intent: str | None, reason: str) -> tuple[PaymentAttempt, Payment]:
    """Lock the payment, check what is left to refund and write the refund attempt (flushed).

    Raises :class:`PaymentError` for a payment this gateway cannot refund or an amount out of
    range, :class:`PaymentInProgress` while another refund of the payment is in flight.
    """
    payment = session.execute(select(Payment).where(Payment.id == payment_id).with_for_update()).scalar_one_or_none()
    if payment is None or payment.gateway != gateway or payment.amount <= ZERO or payment.refund_of_id:
        raise PaymentError(f"Only payments made through {gateway} can be refunded here.")
    if session.execute(select(PaymentAttempt.id).where(PaymentAttempt.open_target == f"{REFUND}:{payment.id}")).first():
        raise PaymentInProgress("A refund of this payment is already in progress.")
    left = refundable(session, payment.id)
    if left <= ZERO:
        raise PaymentError(f"Payment {payment.receipt_number} is refunded in full already.")
    if not CENT <= amount <= left or amount != amount.quantize(CENT):
        raise PaymentError(f"Enter an amount between 0.01 and {left}.")
    paid_by = attempt_of(session, payment)
    attempt = PaymentAttempt(
        key=new_attempt_key(), gateway=gateway, customer_id=payment.customer_id, target_kind=REFUND,
        target_id=payment.id, amount=amount, source=paid_by.source if paid_by else "card",
        account_id=paid_by.account_id if paid_by else None, open_target=f"{REFUND}:{payment.id}",
        initiated_by=initiated_by, intent=intent or None, note=" ".join(reason.split())[:255])
    session.add(attempt)
    session.flush()
    return attempt, payment


def book_refund(session: Session, attempt: PaymentAttempt, result: PaymentResult) -> int:
    """Book an approved refund as a negative payment; a full refund marks the paying attempt refunded."""
    original = session.execute(select(Payment).where(Payment.id == attempt.target_id).with_for_update()).scalar_one()
    comment = result.message or f"Refund by {attempt.gateway}"
    refund = record_refund(session, original, attempt.amount, gateway_reference=attempt.key,
                           comment=f"{comment}: {attempt.note}"[:255] if attempt.note else comment,
                           added_by=attempt.initiated_by or "system")
    session.flush()
    paid_by = attempt_of(session, original)
    if paid_by is not None and refundable(session, original.id) == ZERO \
            and transition(paid_by.status, PaymentStatus.REFUNDED):
        forget_attempts(session, [paid_by])
        paid_by.status = PaymentStatus.REFUNDED.value
    return refund.id
