"""Customers: the searchable list, one customer's tabs (Information, Billing and its sub-tabs, ...), add and edit.

The customer form's service (:mod:`hostapp.services.customers`) is imported by the first add or
edit, not when the app is built.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core.web import admin_customer_or_404, admin_sees_partner, current_host, parse_id, requires, scope_partners
from ...services.audit import record
from ...models import Customer, Invoice, Location, Partner, Payment, PaymentAccount, PaymentMethod, ProformaInvoice, \
    Transaction
from ...models.people import BILLING_TYPES, CUSTOMER_STATUSES
from core.web.tables import paginate
from . import bp
from .integrations import actor

TABS = ("information", "billing")
#: Billing's sub-tabs, as in Splynx: Customers → View → Billing → Finance documents, Payments, ...
BILLING_SECTIONS = {"documents": "Finance documents", "payments": "Payments", "transactions": "Transactions",
                    "config": "Billing config"}
#: tabs of earlier releases that are Billing's sub-tabs now: their links still arrive
MOVED_TABS = {"transactions": "transactions", "payments": "payments", "accounts": "config"}


@bp.get("/customers")
@requires("customers.view")
def customers():
    db = current_host().db.session
    statement = scope_partners(select(Customer).options(joinedload(Customer.partner), joinedload(Customer.location))
                               .order_by(Customer.id), Customer.partner_id)
    if request.args.get("status"):
        statement = statement.where(Customer.status == request.args["status"])
    partner_id = parse_id(request.args.get("partner"))
    if partner_id is not None:
        statement = statement.where(Customer.partner_id == partner_id)
    page = paginate(db, statement, (Customer.id, Customer.login, Customer.name, Customer.email, Customer.phone))
    partners = db.execute(scope_partners(select(Partner).order_by(Partner.name), Partner.id)).scalars().all()
    return render_template("admin/customers.html", page=page, partners=partners)


@bp.get("/customers/<int:customer_id>")
@requires("customers.view")
def customer(customer_id: int):
    db = current_host().db.session
    customer = admin_customer_or_404(customer_id)
    tab = request.args.get("tab", "information")
    if tab in MOVED_TABS:
        kept = {k: v for k, v in request.args.items() if k in ("q", "page")}
        return redirect(url_for(".customer", customer_id=customer.id, tab="billing", section=MOVED_TABS[tab], **kept),
                        301)
    section = request.args.get("section", "documents") if tab == "billing" else ""
    if tab not in TABS or (section and section not in BILLING_SECTIONS):
        abort(404)
    data = {}
    if section == "documents":
        data["invoices"] = db.execute(select(Invoice).where(Invoice.customer_id == customer.id)
                                      .order_by(Invoice.date_created.desc(), Invoice.id.desc())).scalars().all()
        data["proformas"] = db.execute(select(ProformaInvoice).where(ProformaInvoice.customer_id == customer.id)
                                       .order_by(ProformaInvoice.id.desc())).scalars().all()
    elif section == "transactions":
        data["page"] = paginate(db, select(Transaction).where(Transaction.customer_id == customer.id)
                                .order_by(Transaction.id.desc()), (Transaction.description,))
    elif section == "payments":
        data["page"] = paginate(db, select(Payment).where(Payment.customer_id == customer.id)
                                .order_by(Payment.id.desc()), (Payment.receipt_number, Payment.comment))
    elif section == "config":
        data["accounts"] = db.execute(select(PaymentAccount).where(PaymentAccount.customer_id == customer.id)
                                      .order_by(PaymentAccount.gateway, PaymentAccount.id)).scalars().all()
    return render_template("admin/customer.html", customer=customer, tab=tab, section=section,
                           sections=BILLING_SECTIONS, **data)


@bp.route("/customers/add", methods=["GET", "POST"])
@requires("customers.manage")
def customer_add():
    """Add a customer: the form, then the new customer's Information tab."""
    customer = Customer(status="new", category="person", billing_type="recurring", billing_due=14)
    return _customer_form(customer, new=True)


@bp.route("/customers/<int:customer_id>/edit", methods=["GET", "POST"])
@requires("customers.manage")
def customer_edit(customer_id: int):
    """Edit a customer's main information, billing details, status and password."""
    return _customer_form(admin_customer_or_404(customer_id), new=False)


def _customer_form(customer: Customer, *, new: bool):
    from ...services.customers import CustomerForm, login_taken, read_customer_form, save_customer

    db = current_host().db.session
    form = CustomerForm({}, {})
    if request.method == "POST":
        form = read_customer_form(db, request.form, new=new, partner_allowed=admin_sees_partner)
        if form.valid and login_taken(db, form.values["login"], customer.id):
            form.errors["login"] = f"The login {form.values['login']} is taken by another customer."
        if form.valid:
            changed = save_customer(db, customer, form.values, actor())
            try:
                db.commit()
            except IntegrityError:  # another administrator took the login a moment ago
                db.rollback()
                form.errors["login"] = f"The login {form.values['login']} is taken by another customer."
            else:
                if new:
                    flash(f"Customer {customer.name} (login {customer.login}) added.", "success")
                elif changed:
                    flash(f"Customer {customer.name} saved: {', '.join(changed)} changed.", "success")
                else:
                    flash(f"Customer {customer.name}: nothing changed.", "info")
                return redirect(url_for(".customer", customer_id=customer.id))
        else:
            db.rollback()  # a refused form changes nothing, not even by autoflush
    template = "admin/customer_add.html" if new else "admin/customer_edit.html"
    return render_template(template, customer=customer, new=new, errors=form.errors, choices=_choices(db),
                           submitted=request.method == "POST"), 422 if form.errors else 200


def _choices(db) -> dict:
    """The lists the customer form offers; partners only those the administrator may use."""
    from ...services.customers import CATEGORIES

    def named(model, statement=None):
        statement = statement if statement is not None else select(model)
        return [(r.id, r.name) for r in db.execute(statement.order_by(model.name)).scalars()]

    return {
        "partner_id": named(Partner, scope_partners(select(Partner), Partner.id)),
        "location_id": named(Location),
        "payment_method_id": named(PaymentMethod, select(PaymentMethod).where(PaymentMethod.is_active)),
        "status": list(CUSTOMER_STATUSES.items()),
        "billing_type": list(BILLING_TYPES.items()),
        "category": list(CATEGORIES.items()),
    }


@bp.post("/customers/<int:customer_id>/finance-notifications")
@requires("customers.manage")
def customer_finance_notifications(customer_id: int):
    """Turn the customer's finance e-mails (invoices, payments, refunds) on or off."""
    db = current_host().db.session
    customer = admin_customer_or_404(customer_id)
    customer.send_finance_notification = request.form.get("send") == "1"
    record(db, actor(), "customer.finance_notifications", f"customer:{customer.id}",
           {"send": customer.send_finance_notification}, partner_id=customer.partner_id)
    db.commit()
    flash(f"{customer.name} {'gets' if customer.send_finance_notification else 'no longer gets'} finance e-mails.",
          "success")
    return redirect(url_for(".customer", customer_id=customer.id))
