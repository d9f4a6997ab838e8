"""Rendering the dashboard widgets: pay invoices (shared page logic) and refill the balance."""

from __future__ import annotations

from markupsafe import Markup

from core.entry_points import render_code
from core.web import money

from .entry_points import INVOICE_WIDGET, PROFORMA_WIDGET, REFILL_WIDGET
from .web.paying import PAGES


def render(host, point, context) -> Markup | None:
    """The widget HTML, or ``None`` for points that are not this add-on's widgets."""
    customer = context.get("customer")
    if point.name in (INVOICE_WIDGET, PROFORMA_WIDGET):
        return PAGES.unpaid_widget(host, point, context, proforma=point.name == PROFORMA_WIDGET)
    if point.name == REFILL_WIDGET and customer is not None:
        return render_code(point, title=point.title, balance=money(customer.balance, host.config.currency), refill_url=f"{PAGES.prefix}/",
                           customer=customer)
    return None
