"""Customer portal pages: payment credentials, pay an invoice/proforma, refill the balance."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from core.gateway.forms import parse_card, safe_form
from core.gateway.pages import document
from core.web import current_customer, current_host, customer_required

from ..accounts import AccountError, Accounts
from ..forms import BANK_ACCOUNT_TYPES, parse_bank
from ..settings import ADDON_ID
from . import bp
from .paying import PAGES


def _actor() -> str:
    return f"customer:{current_customer().login}"


@bp.route("/credentials", methods=["GET", "POST"])
@customer_required
def credentials():
    """Finance → IpPay payment credentials: several cards and bank accounts, one default."""
    customer = current_customer()
    settings = PAGES.settings_for(customer)
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
            elif action == "add_bank":
                bank, errors = parse_bank(form)
                if bank is not None:
                    account = accounts.add_bank(customer, bank)
                    flash(f"{account.masked} was saved.", "success")
            elif action == "default":
                accounts.make_default(customer.id, form.get("account_id"))
                flash("Default payment account changed.", "success")
            elif action == "remove":
                accounts.remove(customer.id, form.get("account_id"))
                flash("The payment account was removed.", "success")
            else:
                abort(400)
        except AccountError as exc:
            flash(str(exc), "error")
        if not errors:
            return redirect(url_for(".credentials"))
        flash("Please correct the fields marked in red.", "error")
    host = current_host()
    accounts = host.saved_accounts(ADDON_ID).of_customer(host.db.session, customer.id)
    return render_template("ippay/credentials.html", accounts=accounts, settings=settings, errors=errors,
                           form=safe_form(form), bank_types=BANK_ACCOUNT_TYPES), 422 if errors else 200


def _pay_modal(kind: str):
    customer = current_customer()
    found = document(kind, request.values.get("item_id"))
    if found.customer_id != customer.id:
        abort(404)
    quote = PAGES.quote(kind, found)
    done = PAGES.submit(kind, found, quote, request.form, initiated_by=_actor()) \
        if request.method == "POST" else None
    return render_template("ippay/pay_modal.html", quote=quote, done=done,
                           choices=PAGES.account_choices(customer.id, quote.settings),
                           back_url=url_for("portal.invoices" if kind == "invoice" else "portal.proformas"))


@bp.route("/pay-invoice", methods=["GET", "POST"])
@customer_required
def pay_invoice():
    """The modal behind the invoice row's IPpay icon."""
    return _pay_modal("invoice")


@bp.route("/pay-proforma", methods=["GET", "POST"])
@customer_required
def pay_proforma():
    """The modal behind the proforma row's IPpay icon."""
    return _pay_modal("proforma")


@bp.route("/", methods=["GET", "POST"])
@bp.route("/index", methods=["GET", "POST"])
@customer_required
def refill():
    """Add money by IpPay: account, amount, Add → the result page (post-redirect-get) with BACK TO PORTAL."""
    return PAGES.refill_page(current_customer(), "ippay/refill.html", initiated_by=_actor())
