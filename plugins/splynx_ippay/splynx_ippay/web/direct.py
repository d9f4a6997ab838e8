"""Direct payment links: pay an invoice or proforma without logging in.

``/ippay/direct-pay-invoice?item_id=<number>``, ``/ippay/direct-pay-invoice-by-id?item_id=<id>``
and the ``-proforma`` variants show the amount due and take card or bank details. The
customer's *saved* credentials are offered only when the link carries a valid signature
the host issued (:mod:`hostapp.services.direct_links`); the signature is checked again on
submit, so a stranger with an invoice number can only pay with details of their own.
"""

from __future__ import annotations

from flask import render_template, request

from hostapp.host import current_host
from hostapp.services.direct_links import DirectLinks

from ..forms import BANK_ACCOUNT_TYPES, parse_bank, parse_card
from . import bp, paying


def _direct(kind: str, by: str):
    found = paying.document(kind, request.values.get("item_id"), by=by)
    quote = paying.quote(kind, found)
    trusted = DirectLinks.for_host(current_host()).verify(
        kind, found.id, request.values.get("expires"), request.values.get("sig"))
    choices = paying.account_choices(found.customer_id, quote.settings) if trusted else []
    errors: dict[str, str] = {}
    outcome = error = None
    method = request.form.get("method", "")
    if request.method == "POST":
        if not found.is_payable:
            error = f"{quote.label} {found.number} is not waiting for payment."
        elif method == "saved" and trusted:
            result = paying.pay(kind, found, initiated_by="direct-link", account_id=request.form.get("account_id"))
            outcome, error = (None, result) if isinstance(result, str) else (result, None)
        elif method in ("card", "bank") and quote.settings.allows(method):
            details, errors = (parse_card(request.form, with_cvv=True) if method == "card"
                               else parse_bank(request.form))
            if details is not None:
                result = paying.pay(kind, found, initiated_by="direct-link", details={method: details})
                outcome, error = (None, result) if isinstance(result, str) else (result, None)
        else:
            error = "Choose how to pay."
    safe_form = {k: v for k, v in request.form.items() if k not in ("card_number", "account_number", "cvv")}
    return render_template("ippay/direct_pay.html", quote=quote, choices=choices, trusted=trusted,
                           outcome=outcome, error=error, errors=errors, form=safe_form, method=method,
                           bank_types=BANK_ACCOUNT_TYPES, success=paying.SUCCESS), 422 if errors else 200


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
