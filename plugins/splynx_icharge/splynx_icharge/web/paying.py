"""The iCharge set-up of the host's shared payment pages (:mod:`core.gateway.pages`).

iCharge pays with cards only. Its pay and refill forms have one "Pay with" choice: a saved
card (its id) or ``new`` (the card fields below it, with "Save this card for future
payments"); :func:`with_method` turns that choice into the shared pages' ``method``.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.gateway.forms import parse_card
from core.gateway.pages import GatewayPages

from ..settings import ACCOUNT_TYPES, ADDON_ID, load_settings

NEW_CARD = "new"


def read_details(method: str, form: Mapping[str, str]) -> tuple[dict | None, dict[str, str]]:
    """A card (with its CVV) typed for one payment."""
    card, errors = parse_card(form, with_cvv=True)
    return ({"card": card} if card else None), errors


def with_method(form: Mapping[str, str]) -> dict[str, str]:
    """The form with ``method``: ``card`` when "Pay with" is a new card, else ``saved``."""
    return {**form, "method": "card" if form.get("account_id") == NEW_CARD else "saved"}


PAGES = GatewayPages(gateway=ADDON_ID, prefix="/icharge", account_types=ACCOUNT_TYPES, load_settings=load_settings,
                     read_details=read_details)
