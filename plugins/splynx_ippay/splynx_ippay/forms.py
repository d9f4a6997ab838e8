"""Reading card and bank-account forms: digits cleaned, checked before IPpay is called."""

from __future__ import annotations

from collections.abc import Mapping

from core.gateway.cards import Expiry, digits_only, luhn_valid, routing_number_valid

from .client import BankDetails, CardDetails

BANK_ACCOUNT_TYPES = (("CHECKING", "Checking"), ("SAVINGS", "Savings"))


def parse_card(form: Mapping[str, str], *, with_cvv: bool) -> tuple[CardDetails | None, dict[str, str]]:
    """Card details from ``card_number``, ``exp_month``, ``exp_year``, ``holder`` (and ``cvv``)."""
    errors: dict[str, str] = {}
    number = digits_only(form.get("card_number", ""))
    if not luhn_valid(number):
        errors["card_number"] = "Enter a valid card number."
    expiry = None
    try:
        expiry = Expiry.parse(form.get("exp_month", ""), form.get("exp_year", ""))
        if expiry.expired():
            errors["exp_year"] = "This card has expired."
    except ValueError as exc:
        errors["exp_year"] = str(exc)
    holder = form.get("holder", "").strip()[:64]
    if not holder:
        errors["holder"] = "Enter the name on the card."
    cvv = digits_only(form.get("cvv", ""))
    if with_cvv and not 3 <= len(cvv) <= 4:
        errors["cvv"] = "Enter the 3 or 4 digit security code."
    if errors:
        return None, errors
    return CardDetails(number, expiry, holder, cvv if with_cvv else ""), {}


def parse_bank(form: Mapping[str, str]) -> tuple[BankDetails | None, dict[str, str]]:
    """Bank details from ``account_number``, ``routing_number``, ``account_type``, first/last name."""
    errors: dict[str, str] = {}
    account = digits_only(form.get("account_number", ""))
    if not account.isdigit() or not 4 <= len(account) <= 17:
        errors["account_number"] = "Enter the account number (4 to 17 digits)."
    routing = digits_only(form.get("routing_number", ""))
    if not routing_number_valid(routing):
        errors["routing_number"] = "Enter a valid 9-digit routing number (ABA)."
    account_type = form.get("account_type", "")
    if account_type not in dict(BANK_ACCOUNT_TYPES):
        errors["account_type"] = "Choose Checking or Savings."
    holder = " ".join(part for part in (form.get("first_name", "").strip(), form.get("last_name", "").strip())
                      if part)[:64]
    if not holder:
        errors["first_name"] = "Enter the account holder's name."
    if errors:
        return None, errors
    return BankDetails(account, routing, account_type, holder), {}
