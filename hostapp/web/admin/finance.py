"""Finance: invoices (with filters), one invoice, proforma invoices, payments, transactions."""

from datetime import date

from flask import abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.web import admin_customer_or_404, current_host, parse_id, requires, scope_customers, scope_partners
from ...models import Customer, Invoice, Partner, Payment, ProformaInvoice, Transaction
from core.web.tables import paginate
from . import bp
from .refunds import refund_rows


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def document_filters(model, statement):
    """Period, status and partner filters of the Finance → Invoices page."""
    start, end = _date_arg("from"), _date_arg("to")
    if start:
        statement = statement.where(model.date_created >= start)
    if end:
        statement = statement.where(model.date_created <= end)
    status = request.args.get("status", "")
    if status in ("not_paid", "paid", "pending", "deleted"):
        statement = statement.where(model.status == status)
    partner_id = parse_id(request.args.get("partner"))
    if partner_id is not None:
        statement = statement.join(Customer, Customer.id == model.customer_id).where(Customer.partner_id == partner_id)
    return scope_customers(statement, model.customer_id)


def _documents_page(model, template: str, title: str):
    db = current_host().db.session
    statement = document_filters(model, select(model).options(joinedload(model.customer))
                                 .order_by(model.date_created.desc(), model.id.desc()))
    page = paginate(db, statement, prefix_columns=(model.number,))
    partners = db.execute(scope_partners(select(Partner).order_by(Partner.name), Partner.id)).scalars().all()
    return render_template(template, page=page, partners=partners, title=title)


@bp.get("/finance/invoices")
@requires("finance.view")
def invoices():
    return _documents_page(Invoice, "admin/invoices.html", "Invoices")


@bp.get("/finance/proforma-invoices")
@requires("finance.view")
def proformas():
    return _documents_page(ProformaInvoice, "admin/invoices.html", "Proforma invoices")


@bp.get("/finance/invoices/<int:invoice_id>")
@requires("finance.view")
def invoice(invoice_id: int):
    db = current_host().db.session
    document = db.get(Invoice, invoice_id) or abort(404)
    admin_customer_or_404(document.customer_id)
    payments = db.execute(select(Payment).where(Payment.invoice_id == document.id)).scalars().all()
    return render_template("admin/invoice.html", invoice=document, payments=payments)


@bp.get("/finance/payments")
@requires("finance.view")
def payments():
    db = current_host().db.session
    page = paginate(db, scope_customers(select(Payment).options(
        joinedload(Payment.customer), joinedload(Payment.method), joinedload(Payment.invoice),
        joinedload(Payment.proforma)).where(Payment.refund_of_id.is_(None))
                                        .order_by(Payment.id.desc()), Payment.customer_id),
                    (Payment.receipt_number, Payment.comment, Payment.gateway_reference))
    return render_template("admin/payments.html", page=page, rows=refund_rows(db, page.items))


@bp.get("/finance/transactions")
@requires("finance.view")
def transactions():
    db = current_host().db.session
    page = paginate(db, scope_customers(select(Transaction).options(joinedload(Transaction.category))
                                        .order_by(Transaction.id.desc()), Transaction.customer_id),
                    (Transaction.description,))
    return render_template("admin/transactions.html", page=page)
