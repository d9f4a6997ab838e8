"""Rendering the dashboard widgets ("Pay your invoices by IPpay")."""

from __future__ import annotations

from markupsafe import Markup
from sqlalchemy import select

from core.entry_points import render_code
from hostapp.host import current_host
from hostapp.models import Invoice, ProformaInvoice
from hostapp.web.filters import money

from .entry_points import PROFORMA_WIDGET


def render(point, context) -> Markup | None:
    """The widget HTML, or ``None`` for points that are not this add-on's widgets."""
    customer = context.get("customer")
    if customer is None or point.type.value != "code":
        return None
    proforma = point.name == PROFORMA_WIDGET
    model = ProformaInvoice if proforma else Invoice
    session = current_host().db.session
    rows = session.execute(select(model).where(model.customer_id == customer.id, model.status == "not_paid",
                                               model.due > 0).order_by(model.date_created, model.id)).scalars()
    path = "/ippay/pay-proforma" if proforma else "/ippay/pay-invoice"
    documents = [{"number": d.number, "total": money(d.total), "due": money(d.due),
                  "pay_url": f"{path}?item_id={d.id}"} for d in rows]
    return render_code(point, title=point.title, documents=documents, customer=customer,
                       kind_label="proforma invoice" if proforma else "invoice")
