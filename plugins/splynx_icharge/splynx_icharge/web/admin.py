"""Admin pages: pay with the customer's saved card, the customer's iCharge tab."""

from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy import select

from core import models as records
from core.gateway.pages import document
from core.web import admin_customer_or_404, admin_required, current_admin, current_host

from ..models import IchargePayment
from ..settings import ADDON_ID
from . import bp
from .paying import PAGES


def _admin_pay(kind: str):
    found = document(kind, request.values.get("item_id"))
    admin_customer_or_404(found.customer_id)
    quote = PAGES.quote(kind, found)
    done = PAGES.submit(kind, found, quote, request.form, initiated_by=f"admin:{current_admin().login}") \
        if request.method == "POST" else None
    return render_template("icharge/pay_modal.html", quote=quote, done=done, admin=True, form={},
                           choices=PAGES.account_choices(found.customer_id, quote.settings),
                           links=PAGES.direct_links(quote),
                           back_url=url_for("admin.customer", customer_id=found.customer_id, tab="billing"))


@bp.route("/admin/pay-invoice", methods=["GET", "POST"])
@admin_required("finance.pay")
def admin_pay_invoice():
    """Customer → Billing → Finance documents: pay an invoice with the saved card."""
    return _admin_pay("invoice")


@bp.route("/admin/pay-proforma", methods=["GET", "POST"])
@admin_required("finance.pay")
def admin_pay_proforma():
    """Pay a proforma invoice with the saved card."""
    return _admin_pay("proforma")


@bp.get("/admin/customer")
@admin_required("customers.view")
def admin_customer():
    """The customer's iCharge tab: saved cards (masked, for reference), iCharge payments, the journal."""
    host = current_host()
    db = host.db.session
    Payment = records.Payment
    customer = admin_customer_or_404(request.args.get("customer_id"))
    payments = db.execute(select(Payment).where(Payment.customer_id == customer.id, Payment.gateway == ADDON_ID)
                          .order_by(Payment.id.desc()).limit(50)).scalars().all()
    journal = db.execute(select(IchargePayment).where(IchargePayment.customer_id == customer.id)
                         .order_by(IchargePayment.id.desc()).limit(50)).scalars().all()
    return render_template("icharge/admin_customer.html", customer=customer, payments=payments, journal=journal,
                           accounts=host.saved_accounts(ADDON_ID).of_customer(db, customer.id))
