"""Portal Finance: the customer's own invoices, payments, proformas and transactions only."""

from flask import abort, render_template
from sqlalchemy import select

from core.web import current_host
from ...models import Invoice, Payment, ProformaInvoice, Transaction
from ..auth import current_customer
from core.web.tables import paginate
from . import bp


def _own(model):
    return select(model).where(model.customer_id == current_customer().id)


@bp.get("/finance/invoices")
def invoices():
    db = current_host().db.session
    page = paginate(db, _own(Invoice).where(Invoice.status != "deleted")
                    .order_by(Invoice.date_created.desc(), Invoice.id.desc()), (Invoice.number,))
    return render_template("portal/documents.html", page=page, title="Invoices", model="Invoices",
                           detail="portal.invoice")


@bp.get("/finance/invoices/<int:invoice_id>")
def invoice(invoice_id: int):
    db = current_host().db.session
    document = db.get(Invoice, invoice_id)
    if document is None or document.customer_id != current_customer().id or document.status == "deleted":
        abort(404)
    return render_template("portal/invoice.html", invoice=document)


@bp.get("/finance/proforma-invoices")
def proformas():
    db = current_host().db.session
    page = paginate(db, _own(ProformaInvoice).order_by(ProformaInvoice.id.desc()), (ProformaInvoice.number,))
    return render_template("portal/documents.html", page=page, title="Proforma invoices",
                           model="Proforma Invoices", detail=None)


@bp.get("/finance/payments")
def payments():
    db = current_host().db.session
    page = paginate(db, _own(Payment).order_by(Payment.id.desc()), (Payment.receipt_number, Payment.note))
    return render_template("portal/payments.html", page=page)


@bp.get("/finance/transactions")
def transactions():
    db = current_host().db.session
    page = paginate(db, _own(Transaction).order_by(Transaction.id.desc()), (Transaction.description,))
    return render_template("portal/transactions.html", page=page)
