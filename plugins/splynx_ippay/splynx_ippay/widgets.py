"""Rendering the dashboard widgets ("Pay your invoices by IPpay") with the shared page logic."""

from __future__ import annotations

from markupsafe import Markup

from .entry_points import INVOICE_WIDGET, PROFORMA_WIDGET
from .web.paying import PAGES


def render(host, point, context) -> Markup | None:
    """The widget HTML, or ``None`` for points that are not this add-on's widgets."""
    if point.name not in (INVOICE_WIDGET, PROFORMA_WIDGET):
        return None
    return PAGES.unpaid_widget(host, point, context, proforma=point.name == PROFORMA_WIDGET)
