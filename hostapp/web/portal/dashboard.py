"""Portal dashboard: balance, unpaid documents and add-on widgets."""

from functools import cache

from flask import render_template
from sqlalchemy import bindparam, func, select, union_all

from core.models import unpaid
from core.web import current_host
from ...models import Invoice, ProformaInvoice
from ..auth import current_customer
from . import bp


@cache
def _unpaid_counts():
    """How many unpaid invoices and proformas a customer has and their due sum, in one round trip."""

    def of(model):
        return select(func.count(), func.coalesce(func.sum(model.due), 0)).where(
            model.customer_id == bindparam("customer_id"), unpaid(model))

    return union_all(of(Invoice), of(ProformaInvoice))


@bp.get("/")
def dashboard():
    host = current_host()
    db = host.db.session
    customer = current_customer()

    counts = db.execute(_unpaid_counts(), {"customer_id": customer.id}).all()
    return render_template("portal/dashboard.html", unpaid_invoices=counts[0], unpaid_proformas=counts[1],
                           tiles=host.portal.tiles(db, customer.partner_id))
