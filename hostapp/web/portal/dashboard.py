"""Portal dashboard: balance, unpaid documents and add-on widgets."""

from flask import render_template
from sqlalchemy import func, select, union_all

from core.models import unpaid
from core.web import current_host
from ...models import Invoice, ProformaInvoice
from ..auth import current_customer
from . import bp


@bp.get("/")
def dashboard():
    host = current_host()
    db = host.db.session
    customer = current_customer()

    def unpaid_of(model):
        return select(func.count(), func.coalesce(func.sum(model.due), 0)).where(
            model.customer_id == customer.id, unpaid(model))

    # both counts in one round trip
    counts = db.execute(union_all(unpaid_of(Invoice), unpaid_of(ProformaInvoice))).all()
    return render_template("portal/dashboard.html", unpaid_invoices=counts[0], unpaid_proformas=counts[1],
                           tiles=host.portal.tiles(db, customer.partner_id))
