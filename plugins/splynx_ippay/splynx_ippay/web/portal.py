"""Customer portal pages: payment credentials, pay an invoice/proforma, refill the balance."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for

from core.payments import CENT
from hostapp.host import current_host
from hostapp.services.payments import PaymentError
from hostapp.web.auth import current_customer, customer_required

from ..accounts import AccountError, Accounts, customer_accounts
from ..forms import BANK_ACCOUNT_TYPES, parse_bank, parse_card
from . import bp, paying


def _actor() -> str:
    return f"customer:{current_customer().login}"


@bp.route("/credentials", methods=["GET", "POST"])
@customer_required
def credentials():
    """Finance → IpPay payment credentials: several cards and bank accounts, one default."""
    customer = current_customer()
    settings = paying.settings_for(customer)
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
    safe_form = {k: v for k, v in form.items() if k not in ("card_number", "account_number", "cvv")}
    return render_template("ippay/credentials.html", accounts=customer_accounts(current_host().db.session,
                                                                                 customer.id),
                           settings=settings, errors=errors, form=safe_form, bank_types=BANK_ACCOUNT_TYPES), \
        422 if errors else 200


def _pay_modal(kind: str):
    customer = current_customer()
    found = paying.document(kind, request.values.get("item_id"))
    if found.customer_id != customer.id:
        abort(404)
    quote = paying.quote(kind, found)
    outcome = error = None
    if request.method == "POST":
        if not found.is_payable:
            error = f"{quote.label} {found.number} is not waiting for payment."
        else:
            result = paying.pay(kind, found, initiated_by=_actor(), account_id=request.form.get("account_id"))
            outcome, error = (None, result) if isinstance(result, str) else (result, None)
    return render_template("ippay/pay_modal.html", quote=quote, outcome=outcome, error=error,
                           choices=paying.account_choices(customer.id, quote.settings),
                           success=paying.SUCCESS, back_url=url_for(
                               "portal.invoices" if kind == "invoice" else "portal.proformas"))


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
    """Add money by IpPay: account, amount, Add → success page with BACK TO PORTAL."""
    customer = current_customer()
    settings = paying.settings_for(customer)
    choices = paying.account_choices(customer.id, settings)
    errors, outcome = {}, None
    if request.method == "POST":
        amount = _amount(request.form.get("amount", ""), errors)
        account_id = request.form.get("account_id", "")
        if not any(str(a.id) == account_id for _, group in choices for a in group):
            errors["account_id"] = "Choose a saved card or bank account."
        if not errors:
            try:
                outcome = current_host().payments.pay(
                    gateway="ippay", customer_id=customer.id, target_kind="balance", amount=amount,
                    account_id=int(account_id), initiated_by=_actor(), description="Balance refill")
            except PaymentError as exc:
                flash(str(exc), "error")
            else:
                session = current_host().db.session
                session.rollback()  # end this request's read snapshot: show the new balance in the top bar
                session.refresh(customer)
                if not outcome.approved:
                    flash(outcome.message, "error" if outcome.status.value == "declined" else "warning")
    return render_template("ippay/refill.html", choices=choices, errors=errors, outcome=outcome,
                           success=paying.SUCCESS, fee_percent=settings.fee_percent,
                           amount=request.form.get("amount", "")), 422 if errors else 200


def _amount(raw: str, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT) \
            or amount > Decimal("100000"):
        errors["amount"] = "Enter an amount such as 25.00."
        return None
    return amount
