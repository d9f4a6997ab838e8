"""Portal dashboard: balance, unpaid documents and add-on widgets."""

from flask import render_template
from sqlalchemy import func, select

from core.models import unpaid
from core.web import current_host
from ...models import Customer, Invoice, ProformaInvoice
from ..auth import CUSTOMER_KEY, current_customer
from ..sessions import read_for_user, read_with_user
from . import bp


def _unpaid_columns(model) -> tuple:
    """How many unpaid ``model`` documents the customer has and their due sum, as columns of the
    query that loads the customer."""
    where = (model.customer_id == Customer.id, unpaid(model))
    return (select(func.count()).where(*where).scalar_subquery(),
            select(func.coalesce(func.sum(model.due), 0)).where(*where).scalar_subquery())


read_with_user(Customer, "portal.dashboard", *_unpaid_columns(Invoice), *_unpaid_columns(ProformaInvoice))


@bp.get("/")
def dashboard():
    host = current_host()
    customer = current_customer()
    counts = read_for_user(CUSTOMER_KEY)
    return render_template("portal/dashboard.html", unpaid_invoices=counts[:2], unpaid_proformas=counts[2:],
                           tiles=host.portal.tiles(host.db.session, customer.partner_id))
