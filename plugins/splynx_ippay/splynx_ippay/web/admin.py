"""Admin pages: pay with the customer's saved credentials, the customer's IPpay tab, refunds."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core import models as records
from core.gateway.pages import document
from core.payments import PaymentError
from core.web import admin_customer_or_404, admin_required, current_admin, current_host, id_or_404, parse_amount

from ..models import IppayTransaction
from ..settings import ADDON_ID
from . import bp
from .paying import PAGES


def _actor() -> str:
    return f"admin:{current_admin().login}"


def _admin_pay(kind: str):
    found = document(kind, request.values.get("item_id"))
    admin_customer_or_404(found.customer_id)
    quote = PAGES.quote(kind, found)
    done = PAGES.submit(kind, found, quote, request.form, initiated_by=_actor()) \
        if request.method == "POST" else None
    return render_template("ippay/pay_modal.html", quote=quote, done=done, admin=True,
                           choices=PAGES.account_choices(found.customer_id, quote.settings),
                           links=PAGES.direct_links(quote),
                           back_url=url_for("admin.customer", customer_id=found.customer_id, tab="billing"))


@bp.route("/admin/pay-invoice", methods=["GET", "POST"])
@admin_required("finance.pay")
def admin_pay_invoice():
    """Customer → Billing → Finance documents: pay an invoice with saved credentials."""
    return _admin_pay("invoice")


@bp.route("/admin/pay-proforma", methods=["GET", "POST"])
@admin_required("finance.pay")
def admin_pay_proforma():
    """Pay a proforma invoice with saved credentials."""
    return _admin_pay("proforma")


@bp.get("/admin/customer")
@admin_required("customers.view")
def admin_customer():
    """The customer's IPpay tab: saved accounts (masked), IPpay payments with refunds, journal."""
    host = current_host()
    db = host.db.session
    Payment = records.Payment
    customer = admin_customer_or_404(request.args.get("customer_id"))
    payments = db.execute(select(Payment).where(Payment.customer_id == customer.id, Payment.gateway == ADDON_ID,
                                                Payment.amount > 0).order_by(Payment.id.desc())).scalars().all()
    journal = db.execute(select(IppayTransaction).where(IppayTransaction.customer_id == customer.id)
                         .order_by(IppayTransaction.id.desc()).limit(50)).scalars().all()
    return render_template("ippay/admin_customer.html", customer=customer,
                           accounts=host.saved_accounts(ADDON_ID).of_customer(db, customer.id), journal=journal,
                           payments=[(p, host.payments.refundable(db, p.id)) for p in payments])


@bp.post("/admin/refund")
@admin_required("finance.refund")
def admin_refund():
    """Refund (part of) an IPpay payment: CREDIT (card) or REVERSAL (bank), booked as a linked refund."""
    host = current_host()
    payment = host.db.session.get(records.Payment, id_or_404(request.form.get("payment_id"))) or abort(404)
    customer_id = admin_customer_or_404(payment.customer_id).id
    amount = parse_amount(request.form.get("amount", ""))
    try:
        if amount is None:
            raise PaymentError("Enter the amount to refund, such as 10.00.")
        outcome = host.payments.refund(gateway=ADDON_ID, payment_id=payment.id, amount=amount,
                                       initiated_by=_actor())
    except PaymentError as exc:
        flash(str(exc), "error")
    else:
        with host.db.transaction() as session:
            host.audit(session, _actor(), "ippay.refund", f"payment:{payment.id}",
                       {"amount": str(amount), "status": outcome.status.value},
                       partner_id=payment.customer.partner_id)
        if outcome.approved:
            flash(f"Refunded {outcome.amount} through IPpay.", "success")
        else:
            flash(outcome.message, "error" if outcome.status.value == "declined" else "warning")
    return redirect(url_for(".admin_customer", customer_id=customer_id))


@bp.post("/admin/refund/settle")
@admin_required("finance.refund")
def admin_settle_refund():
    """Settle a refund IPpay never confirmed, after checking IPpay's reporting."""
    from ..refunds import RefundError, settle_unknown  # the gateway client loads with the first refund settled

    row = current_host().db.session.execute(select(IppayTransaction).where(
        IppayTransaction.reference == request.form.get("reference", ""))).scalar_one_or_none() or abort(404)
    admin_customer_or_404(row.customer_id)
    try:
        outcome = settle_unknown(current_host(), row.reference, request.form.get("made") == "1", actor=_actor())
    except (RefundError, PaymentError) as exc:
        flash(str(exc), "error")
    else:
        flash(f"The refund of {row.amount} was booked." if outcome.approved else "The refund was marked as not made.",
              "success")
    return redirect(url_for(".admin_customer", customer_id=row.customer_id))
