"""Direct payment links: pay an invoice or proforma without logging in.

``/icharge/direct-pay-invoice?item_id=<number>``, ``/icharge/direct-pay-invoice-by-id?item_id=<id>``
and the ``-proforma`` variants show the amount due and take a card. The customer's *saved*
cards are offered only when the link carries a valid signature the host issued
(:mod:`hostapp.services.direct_links`); the signature is checked again on submit, so a
stranger with an invoice number can only pay with a card of their own, and it is never kept.
"""

from __future__ import annotations

from flask import render_template, request

from core.gateway.forms import safe_form
from hostapp.web.gateway_pages import document

from . import bp
from .paying import PAGES


def _direct(kind: str, by: str):
    found = document(kind, request.values.get("item_id"), by=by)
    quote = PAGES.quote(kind, found)
    trusted = PAGES.trusted(kind, found)
    choices = PAGES.account_choices(found.customer_id, quote.settings) if trusted else []
    done = None
    if request.method == "POST":
        done = PAGES.submit(kind, found, quote, request.form, initiated_by="direct-link", saved=trusted,
                            methods=("card",))
    return render_template("icharge/direct_pay.html", quote=quote, choices=choices, done=done,
                           form=safe_form(request.form)), done.status_code if done else 200


@bp.route("/direct-pay-invoice", methods=["GET", "POST"])
def direct_pay_invoice():
    """Pay an invoice by its number."""
    return _direct("invoice", "number")


@bp.route("/direct-pay-invoice-by-id", methods=["GET", "POST"])
def direct_pay_invoice_by_id():
    """Pay an invoice by its id."""
    return _direct("invoice", "id")


@bp.route("/direct-pay-proforma", methods=["GET", "POST"])
def direct_pay_proforma():
    """Pay a proforma invoice by its number."""
    return _direct("proforma", "number")


@bp.route("/direct-pay-proforma-by-id", methods=["GET", "POST"])
def direct_pay_proforma_by_id():
    """Pay a proforma invoice by its id."""
    return _direct("proforma", "id")
