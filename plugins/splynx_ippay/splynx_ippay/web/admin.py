"""Admin pages: pay with the customer's saved credentials, the customer's IPpay tab, refunds."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from hostapp.host import current_host
from hostapp.models import Customer, Payment
from hostapp.services.audit import record
from hostapp.services.payment_accounts import customer_accounts
from hostapp.web.auth import admin_required, current_admin
from hostapp.web.gateway_pages import document

from ..models import IppayTransaction
from ..refunds import RefundError, Refunds, refundable
from ..settings import ADDON_ID
from . import bp
from .paying import PAGES


def _actor() -> str:
    return f"admin:{current_admin().login}"


def _admin_pay(kind: str):
    found = document(kind, request.values.get("item_id"))
    quote = PAGES.quote(kind, found)
    done = PAGES.submit(kind, found, quote, request.form, initiated_by=_actor()) \
        if request.method == "POST" else None
    return render_template("ippay/pay_modal.html", quote=quote, done=done, admin=True,
                           choices=PAGES.account_choices(found.customer_id, quote.settings),
                           links=PAGES.direct_links(quote),
                           back_url=url_for("admin.customer", customer_id=found.customer_id, tab="billing"))


@bp.route("/admin/pay-invoice", methods=["GET", "POST"])
@admin_required
def admin_pay_invoice():
    """Customer → Billing → Finance documents: pay an invoice with saved credentials."""
    return _admin_pay("invoice")


@bp.route("/admin/pay-proforma", methods=["GET", "POST"])
@admin_required
def admin_pay_proforma():
    """Pay a proforma invoice with saved credentials."""
    return _admin_pay("proforma")


@bp.get("/admin/customer")
@admin_required
def admin_customer():
    """The customer's IPpay tab: saved accounts (masked), IPpay payments with refunds, journal."""
    db = current_host().db.session
    customer = db.get(Customer, request.args.get("customer_id", type=int) or 0) or abort(404)
    payments = db.execute(select(Payment).where(Payment.customer_id == customer.id, Payment.gateway == "ippay",
                                                Payment.amount > 0).order_by(Payment.id.desc())).scalars().all()
    journal = db.execute(select(IppayTransaction).where(IppayTransaction.customer_id == customer.id)
                         .order_by(IppayTransaction.id.desc()).limit(50)).scalars().all()
    return render_template("ippay/admin_customer.html", customer=customer,
                           accounts=customer_accounts(db, customer.id, ADDON_ID), journal=journal,
                           payments=[(p, refundable(db, p)) for p in payments])


@bp.post("/admin/refund")
@admin_required
def admin_refund():
    """Refund (part of) an IPpay payment: CREDIT (card) or REVERSAL (bank), booked as a linked refund."""
    payment = current_host().db.session.get(Payment, request.form.get("payment_id", type=int) or 0) or abort(404)
    customer_id = payment.customer_id
    try:
        amount = Decimal(request.form.get("amount", "").strip())
    except InvalidOperation:
        amount = Decimal("0")
    try:
        outcome = Refunds(current_host()).refund(payment.id, amount, actor=_actor())
    except RefundError as exc:
        flash(str(exc), "error")
    else:
        with current_host().db.transaction() as session:
            record(session, _actor(), "ippay.refund", f"payment:{payment.id}",
                   {"amount": str(amount), "status": outcome.status.value})
        flash(outcome.message, {"approved": "success", "declined": "error"}.get(outcome.status.value, "warning"))
    return redirect(url_for(".admin_customer", customer_id=customer_id))


@bp.post("/admin/refund/settle")
@admin_required
def admin_settle_refund():
    """Settle a refund IPpay never confirmed, after checking IPpay's reporting."""
    row = current_host().db.session.execute(select(IppayTransaction).where(
        IppayTransaction.reference == request.form.get("reference", ""))).scalar_one_or_none() or abort(404)
    try:
        outcome = Refunds(current_host()).settle_unknown(row.reference, request.form.get("made") == "1",
                                                         actor=_actor())
    except RefundError as exc:
        flash(str(exc), "error")
    else:
        flash(outcome.message, "success")
    return redirect(url_for(".admin_customer", customer_id=row.customer_id))
