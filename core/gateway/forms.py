"""Reading what customers type on gateway pages: a card. Checked before any gateway call (amounts: :mod:`core.web.inputs`)."""

from __future__ import annotations

from collections.abc import Mapping

from .cards import CardDetails, Expiry, digits_only, luhn_valid


def parse_card(form: Mapping[str, str], *, with_cvv: bool) -> tuple[CardDetails | None, dict[str, str]]:
    """Card details from ``card_number``, ``exp_month``, ``exp_year``, ``holder`` (and ``cvv``).

    Returns the card, or ``None`` and an error message per field name.
    """
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


#: form fields that hold card or account numbers and security codes: never rendered back
SENSITIVE_FIELDS = frozenset({"card_number", "account_number", "cvv"})


def safe_form(form: Mapping[str, str]) -> dict[str, str]:
    """The submitted values a page may show again (numbers and security codes left out)."""
    return {k: v for k, v in form.items() if k not in SENSITIVE_FIELDS}
