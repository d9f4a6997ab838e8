"""Customers: the searchable list and one customer's tabs (Information, Billing, ...)."""

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.web import admin_customer_or_404, current_host, requires, scope_partners
from ...services.audit import record
from ...models import Customer, Invoice, Payment, PaymentAccount, ProformaInvoice, Transaction
from core.web.tables import paginate
from . import bp
from .integrations import actor

TABS = ("information", "billing", "transactions", "payments", "accounts")


@bp.get("/customers")
@requires("customers.view")
def customers():
    db = current_host().db.session
    statement = scope_partners(select(Customer).order_by(Customer.id), Customer.partner_id)
    if request.args.get("status"):
        statement = statement.where(Customer.status == request.args["status"])
    page = paginate(db, statement, (Customer.id, Customer.login, Customer.name, Customer.email, Customer.phone))
    return render_template("admin/customers.html", page=page)


@bp.get("/customers/<int:customer_id>")
@requires("customers.view")
def customer(customer_id: int):
    db = current_host().db.session
    customer = admin_customer_or_404(customer_id)
    tab = request.args.get("tab", "information")
    if tab not in TABS:
        abort(404)
    data = {}
    if tab == "billing":
        data["invoices"] = db.execute(select(Invoice).where(Invoice.customer_id == customer.id)
                                      .order_by(Invoice.date_created.desc(), Invoice.id.desc())).scalars().all()
        data["proformas"] = db.execute(select(ProformaInvoice).where(ProformaInvoice.customer_id == customer.id)
                                       .order_by(ProformaInvoice.id.desc())).scalars().all()
    elif tab == "transactions":
        data["page"] = paginate(db, select(Transaction).where(Transaction.customer_id == customer.id)
                                .order_by(Transaction.id.desc()), (Transaction.description,))
    elif tab == "payments":
        data["page"] = paginate(db, select(Payment).where(Payment.customer_id == customer.id)
                                .order_by(Payment.id.desc()), (Payment.receipt_number, Payment.comment))
    elif tab == "accounts":
        data["accounts"] = db.execute(select(PaymentAccount).where(PaymentAccount.customer_id == customer.id)
                                      .order_by(PaymentAccount.gateway, PaymentAccount.id)).scalars().all()
    return render_template("admin/customer.html", customer=customer, tab=tab, **data)


@bp.post("/customers/<int:customer_id>/finance-notifications")
@requires("customers.manage")
def customer_finance_notifications(customer_id: int):
    """Turn the customer's finance e-mails (invoices, payments, refunds) on or off."""
    db = current_host().db.session
    customer = admin_customer_or_404(customer_id)
    customer.send_finance_notification = request.form.get("send") == "1"
    record(db, actor(), "customer.finance_notifications", f"customer:{customer.id}",
           {"send": customer.send_finance_notification})
    db.commit()
    flash(f"{customer.name} {'gets' if customer.send_finance_notification else 'no longer gets'} finance e-mails.",
          "success")
    return redirect(url_for(".customer", customer_id=customer.id))
