"""Customer pages that move money, on the host's shared payment pages (:mod:`core.gateway.pages`).

``/intentpay/``: add money to the balance with a saved card or a new one; the form carries
a signed one-time intent key, so double clicks, parallel posts and refreshes charge once.
``/intentpay/portal/cards``: the customer's saved cards (add one: tokenised at the gateway).
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for

from core.gateway.accounts import AccountError
from core.gateway.forms import parse_card, safe_form
from core.gateway.pages import SUCCESS, GatewayPages, card_years
from core.web import current_customer, current_host, host_page

from ..accounts import add_card
from ..settings import ADDON_ID, load_settings
from . import bp

NEW_CARD = "new"


def read_details(method: str, form: Mapping[str, str]) -> tuple[dict | None, dict[str, str]]:
    """A card (with its CVV) typed for one payment."""
    card, errors = parse_card(form, with_cvv=True)
    return ({"card": card} if card else None), errors


def with_method(form: Mapping[str, str]) -> dict[str, str]:
    """The form with ``method``: ``card`` when "Pay with" is a new card, else ``saved``."""
    return {**form, "method": "card" if form.get("account_id") == NEW_CARD else "saved"}


PAGES = GatewayPages(gateway=ADDON_ID, prefix="/intentpay", account_types=(("card", "Credit card"),),
                     load_settings=load_settings, read_details=read_details)


@bp.context_processor
def _pay_context():
    return {"card_years": card_years(), "success": SUCCESS}


@bp.route("/", methods=["GET", "POST"])
@host_page
def refill():
    """Add money by IntentPay: amount, a saved or new card, Add → the result page (post-redirect-get)."""
    customer = current_customer()
    return PAGES.refill_page(customer, "intentpay/portal/refill.html", initiated_by=f"customer:{customer.login}",
                             methods=("card",), read_form=with_method)


@bp.route("/portal/cards", methods=["GET", "POST"])
@host_page
def portal_cards():
    """Finance → IntentPay cards: the saved cards, and a form to add one."""
    host, customer = current_host(), current_customer()
    errors: dict[str, str] = {}
    if request.method == "POST":
        card, errors = parse_card(request.form, with_cvv=False)
        if card is not None:
            try:
                account = add_card(host, customer, card)
            except AccountError as exc:
                flash(str(exc), "error")
            else:
                flash(f"{account.masked} was saved.", "success")
                return redirect(url_for(".portal_cards"))
    accounts = host.saved_accounts(ADDON_ID).of_customer(host.db.session, customer.id)
    return render_template("intentpay/portal/cards.html", accounts=accounts, errors=errors,
                           form=safe_form(request.form)), 422 if errors else 200
