"""Portal dashboard: balance, unpaid documents and add-on widgets."""

from flask import render_template
from sqlalchemy import func, select

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

    def count_unpaid(model):
        return db.execute(select(func.count(), func.coalesce(func.sum(model.due), 0))
                          .where(model.customer_id == customer.id, unpaid(model))).one()

    return render_template("portal/dashboard.html", unpaid_invoices=count_unpaid(Invoice),
                           unpaid_proformas=count_unpaid(ProformaInvoice),
                           tiles=host.portal.tiles(db, customer.partner_id))
