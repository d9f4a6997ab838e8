"""Finance → Payment attempts: open and unknown money movements, *Check now*, manual resolution.

Lists every attempt still pending or unknown (payments, top-ups, refunds, redemptions, charge
batch items) with the reconciler's last check and next try. *Check now* asks the gateway
again with the same key at once; *Resolve* books the attempt as charged, or closes it as not
charged, after an administrator checked the gateway's own records (an audit entry keeps the
decision and its reason).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.payments import PaymentError
from core.web import admin_customer_or_404, current_admin, current_host, requires, scope_customers
from core.web.tables import paginate

from ...models import PaymentAttempt
from ...models.gateway import OPEN
from . import bp


def _actor() -> str:
    return f"admin:{current_admin().login}"


@bp.get("/finance/payment-attempts")
@requires("finance.view")
def payment_attempts():
    db = current_host().db.session
    statement = scope_customers(select(PaymentAttempt).where(PaymentAttempt.status.in_(OPEN))
                                .order_by(PaymentAttempt.id), PaymentAttempt.customer_id)
    gateway = request.args.get("gateway", "")[:32]
    if gateway:
        statement = statement.where(PaymentAttempt.gateway == gateway)
    page = paginate(db, statement, (PaymentAttempt.key, PaymentAttempt.message))
    return render_template("admin/payment_attempts.html", page=page, gateway=gateway)


def _open_attempt(attempt_id: int) -> PaymentAttempt:
    attempt = current_host().db.session.get(PaymentAttempt, attempt_id) or abort(404)
    admin_customer_or_404(attempt.customer_id)
    return attempt


@bp.post("/finance/payment-attempts/<int:attempt_id>/check")
@requires("finance.view")
def check_payment_attempt(attempt_id: int):
    """Ask the gateway about one attempt now, whatever its back-off."""
    attempt = _open_attempt(attempt_id)
    check = current_host().reconciler.check(attempt.id, now_please=True)
    if check is None:
        flash(f"Attempt {attempt.key} is settled already.", "info")
    elif check.settled:
        flash(f"Attempt {attempt.key} ({attempt.amount}): {check.outcome.status.value}. {check.outcome.message}",
              "success" if check.outcome.approved else "info")
    else:
        flash(f"Attempt {attempt.key} ({attempt.amount}) is still {check.outcome.status.value}; "
              f"next check {check.next_check_at:%Y-%m-%d %H:%M} UTC. {check.outcome.message}", "warning")
    return redirect(url_for(".payment_attempts"))


@bp.post("/finance/payment-attempts/<int:attempt_id>/resolve")
@requires("finance.refund")
def resolve_payment_attempt(attempt_id: int):
    """Settle an attempt by hand: charged (booked) or not charged (closed), with the reason."""
    attempt = _open_attempt(attempt_id)
    charged = request.form.get("charged")
    if charged not in ("1", "0"):
        abort(400)
    try:
        outcome = current_host().payments.resolve(attempt.id, charged=charged == "1", actor=_actor(),
                                                  reason=request.form.get("reason", ""))
    except PaymentError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Attempt {attempt.key}: {attempt.amount} booked as charged." if outcome.approved
              else f"Attempt {attempt.key} closed as not charged ({attempt.amount}).", "success")
    return redirect(url_for(".payment_attempts"))
