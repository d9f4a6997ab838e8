"""Portal Finance: the customer's own documents, invoices, payments, proformas and transactions only."""

from flask import abort, render_template
from sqlalchemy import literal, select, union_all

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


#: what Finance → Documents lists: kind -> (label, model, date column, amount column, number column)
DOCUMENT_KINDS = {
    "invoice": ("Invoice", Invoice, Invoice.date_created, Invoice.total, Invoice.number),
    "proforma": ("Proforma invoice", ProformaInvoice, ProformaInvoice.date_created, ProformaInvoice.total,
                 ProformaInvoice.number),
    "payment": ("Payment", Payment, Payment.date, Payment.amount, Payment.receipt_number),
}


@bp.get("/finance/documents")
def documents():
    """Finance → Documents: the customer's invoices, proforma invoices and payments in one list, newest first."""
    db = current_host().db.session
    customer_id = current_customer().id
    parts = []
    for kind, (_, model, day, amount, number) in DOCUMENT_KINDS.items():
        part = select(literal(kind).label("kind"), model.id.label("id"), number.label("number"), day.label("day"),
                      amount.label("amount")).where(model.customer_id == customer_id)
        if model is Invoice:
            part = part.where(Invoice.status != "deleted")
        parts.append(part)
    listed = union_all(*parts).subquery()
    page = paginate(db, select(listed).order_by(listed.c.day.desc(), listed.c.kind, listed.c.id.desc()),
                    prefix_columns=(listed.c.number,), scalars=False)
    records = {}
    for kind, (_, model, *_columns) in DOCUMENT_KINDS.items():
        ids = [row.id for row in page.items if row.kind == kind]
        if ids:
            records.update({(kind, r.id): r for r in db.execute(select(model).where(model.id.in_(ids))).scalars()})
    rows = [(DOCUMENT_KINDS[row.kind][0], row.kind, records[(row.kind, row.id)]) for row in page.items]
    return render_template("portal/finance_documents.html", page=page, rows=rows)
