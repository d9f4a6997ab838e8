"""Reading bank-account forms (cards: :func:`core.gateway.forms.parse_card`), checked before IPpay is called."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from core.gateway.cards import digits_only, routing_number_valid
from core.web import ascii_digits

if TYPE_CHECKING:
    from .client import BankDetails

BANK_ACCOUNT_TYPES = (("CHECKING", "Checking"), ("SAVINGS", "Savings"))


def parse_bank(form: Mapping[str, str]) -> tuple[BankDetails | None, dict[str, str]]:
    """Bank details from ``account_number``, ``routing_number``, ``account_type``, first/last name."""
    errors: dict[str, str] = {}
    account = digits_only(form.get("account_number", ""))
    if ascii_digits(account, max_length=17) is None or len(account) < 4:
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
    from .client import BankDetails  # the gateway client loads with the first bank account read

    return BankDetails(account, routing, account_type, holder), {}
