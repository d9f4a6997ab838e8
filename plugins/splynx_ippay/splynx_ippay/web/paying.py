"""The IPpay set-up of the shared payment pages (:mod:`core.gateway.pages`)."""

from __future__ import annotations

from collections.abc import Mapping

from core.gateway.forms import parse_card
from core.gateway.pages import GatewayPages

from ..forms import parse_bank
from ..settings import ACCOUNT_TYPES, ADDON_ID, load_settings


def read_details(method: str, form: Mapping[str, str]) -> tuple[dict | None, dict[str, str]]:
    """A card (with its CVV) or a bank account typed for one payment."""
    if method == "card":
        card, errors = parse_card(form, with_cvv=True)
        return ({"card": card} if card else None), errors
    bank, errors = parse_bank(form)
    return ({"bank": bank} if bank else None), errors


PAGES = GatewayPages(gateway=ADDON_ID, prefix="/ippay", account_types=ACCOUNT_TYPES, load_settings=load_settings,
                     read_details=read_details)
