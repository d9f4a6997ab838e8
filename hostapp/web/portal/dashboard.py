"""Portal dashboard: balance, unpaid documents and add-on widgets."""

from flask import render_template
from sqlalchemy import func, select

from core.web import current_host
from ...models import Invoice, ProformaInvoice
from ..auth import current_customer
from . import bp


@bp.get("/")
def dashboard():
    db = current_host().db.session
    customer = current_customer()

    def unpaid(model):
        return db.execute(select(func.count(), func.coalesce(func.sum(model.due), 0))
                          .where(model.customer_id == customer.id, model.status.in_(("not_paid", "pending")))).one()

    return render_template("portal/dashboard.html", unpaid_invoices=unpaid(Invoice),
                           unpaid_proformas=unpaid(ProformaInvoice))
