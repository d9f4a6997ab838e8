"""Finance → Payments: refund a gateway payment from its row, and the refunds listed under it.

A payment taken by an add-on that implements ``splynx_refund_payment`` gets a *Refund* form
(amount, reason, confirm dialog) carrying a one-time intent key, so a double click refunds
once. The host's payment service locks the payment, checks what is left to refund and calls
the add-on; every refund attempt (approved, declined, unknown, in flight) is listed under
its payment with its status, and each request writes an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select

from core.inputs import parse_amount
from core.payments import PaymentError
from core.web import admin_customer_or_404, current_admin, current_host, money, requires

from ...models import Payment, PaymentAttempt
from ...models.gateway import REFUND
from . import bp

PURPOSE = "refund"
REFUND_HOOK = "splynx_refund_payment"


@dataclass(frozen=True)
class RefundRow:
    """A payment as the Payments page shows it: what is left to refund, its refunds, a form key."""

    payment: Payment
    refundable: Decimal
    refunds: list[PaymentAttempt]
    #: the one-time intent key of its Refund form ("" when it cannot be refunded here)
    intent: str


def refund_rows(session, payments: list[Payment]) -> list[RefundRow]:
    """The rows of the Payments page, with every refund attempt of each payment."""
    host = current_host()
    gateways = set(host.addons.hooks.implementers(REFUND_HOOK))
    ids = [p.id for p in payments if p.amount > 0]
    attempts: dict[int, list[PaymentAttempt]] = {}
    if ids:
        for attempt in session.execute(select(PaymentAttempt).where(
                PaymentAttempt.target_kind == REFUND, PaymentAttempt.target_id.in_(ids)).order_by(PaymentAttempt.id)
        ).scalars():
            attempts.setdefault(attempt.target_id, []).append(attempt)
    refundable_of = host.payments.refundable_many(session, [p for p in payments if p.id in ids])
    rows = []
    for payment in payments:
        refundable = refundable_of.get(payment.id, Decimal("0.00"))
        can_refund = payment.gateway in gateways and refundable > 0
        rows.append(RefundRow(payment, refundable, attempts.get(payment.id, []),
                              host.intents.issue(PURPOSE, payment.id) if can_refund else ""))
    return rows


@bp.post("/finance/payments/<int:payment_id>/refund")
@requires("finance.refund")
def refund_payment(payment_id: int):
    """Refund (part of) a payment through the gateway add-on that took it."""
    host = current_host()
    payment = host.db.session.get(Payment, payment_id) or abort(404)
    admin_customer_or_404(payment.customer_id)  # a Manager refunds only their partners' payments
    actor = f"admin:{current_admin().login}"
    amount = parse_amount(request.form.get("amount", ""))
    reason = " ".join(request.form.get("reason", "").split())[:255]
    intent = host.intents.verify(request.form.get("intent"), PURPOSE, payment.id)
    back = redirect(url_for("admin.payments", q=payment.receipt_number))
    if intent is None:
        flash("This refund form has expired. Nothing was refunded; open the payment again.", "error")
        return back
    if amount is None or not reason:
        flash("Enter the amount to refund, such as 10.00, and the reason.", "error")
        return back
    try:
        outcome = host.payments.refund(gateway=payment.gateway or "", payment_id=payment.id, amount=amount,
                                       initiated_by=actor, intent=intent, reason=reason)
    except PaymentError as exc:
        flash(str(exc), "error")
        return back
    with host.db.transaction() as session:
        host.audit(session, actor, "payment.refund", f"payment:{payment.id}",
                   {"amount": str(amount), "reason": reason, "status": outcome.status.value,
                    "attempt": outcome.attempt_id}, partner_id=payment.customer.partner_id)
    if outcome.approved:
        flash(f"Refunded {money(outcome.amount)} of payment {payment.receipt_number} through {payment.gateway}.", "success")
    else:
        flash(f"Refund of {amount} of payment {payment.receipt_number}: {outcome.message}",
              "error" if outcome.status.value == "declined" else "warning")
    return back
