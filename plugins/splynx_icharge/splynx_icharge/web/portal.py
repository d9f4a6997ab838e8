"""Customer portal pages: saved cards, pay an invoice/proforma, refill the balance at ``/icharge/``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from core.gateway.forms import parse_card, safe_form
from core.gateway.pages import document
from core.web import current_customer, current_host, customer_required

from ..accounts import AccountError, Accounts
from ..settings import ADDON_ID
from . import bp
from .paying import PAGES, with_method


def _actor() -> str:
    return f"customer:{current_customer().login}"


@bp.route("/cards", methods=["GET", "POST"])
@customer_required
def cards():
    """Finance → iCharge payment cards: add, remove, make default."""
    customer = current_customer()
    errors: dict[str, str] = {}
    form = request.form
    if request.method == "POST":
        action, accounts = form.get("action"), Accounts(current_host())
        try:
            if action == "add_card":
                card, errors = parse_card(form, with_cvv=False)
                if card is not None:
                    account = accounts.add_card(customer, card)
                    flash(f"{account.masked} was saved.", "success")
            elif action == "default":
                accounts.make_default(customer.id, form.get("account_id"))
                flash("Default card changed.", "success")
            elif action == "remove":
                accounts.remove(customer.id, form.get("account_id"))
                flash("The card was removed.", "success")
            else:
                abort(400)
        except AccountError as exc:
            flash(str(exc), "error")
        if not errors:
            return redirect(url_for(".cards"))
        flash("Please correct the fields marked in red.", "error")
    host = current_host()
    accounts = host.saved_accounts(ADDON_ID).of_customer(host.db.session, customer.id)
    return render_template("icharge/cards.html", accounts=accounts, errors=errors, form=safe_form(form)), \
        422 if errors else 200


def _pay_modal(kind: str):
    customer = current_customer()
    found = document(kind, request.values.get("item_id"))
    if found.customer_id != customer.id:
        abort(404)
    quote = PAGES.quote(kind, found)
    done = None
    if request.method == "POST":
        done = PAGES.submit(kind, found, quote, with_method(request.form), initiated_by=_actor(), methods=("card",),
                            save=True)
    return render_template("icharge/pay_modal.html", quote=quote, done=done, form=safe_form(request.form),
                           choices=PAGES.account_choices(customer.id, quote.settings),
                           back_url=url_for("portal.invoices" if kind == "invoice" else "portal.proformas")), \
        done.status_code if done else 200


@bp.route("/pay-invoice", methods=["GET", "POST"])
@customer_required
def pay_invoice():
    """The payment window behind the invoice row's "Pay by iCharge" button."""
    return _pay_modal("invoice")


@bp.route("/pay-proforma", methods=["GET", "POST"])
@customer_required
def pay_proforma():
    """The payment window behind the proforma row's "Pay by iCharge" button."""
    return _pay_modal("proforma")


@bp.route("/", methods=["GET", "POST"])
@bp.route("/index", methods=["GET", "POST"])
@customer_required
def refill():
    """Add money by iCharge: amount, a saved or new card, Add → the result page (post-redirect-get)."""
    return PAGES.refill_page(current_customer(), "icharge/refill.html", initiated_by=_actor(), methods=("card",),
                             save=True, read_form=with_method)
