"""Value types of saved credentials: what a gateway tokenised, and why saving failed.

A gateway add-on tokenises a card or bank account with its gateway and hands the token
with brand, last 4 digits and expiry to the host's store
(:meth:`core.host.Host.saved_accounts`). A customer may keep several accounts per
gateway; exactly one is the default the bulk charge uses.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


class AccountError(ValueError):
    """Credentials could not be saved or changed; the message is for the customer."""


@dataclass(frozen=True)
class NewAccount:
    """What a gateway returned for credentials it tokenised (never a number)."""

    kind: str  # card | bank
    token: str
    brand: str
    last4: str
    expiry: str = ""  # MM/YYYY
    holder: str = ""


def saved_account_point_visible(host, gateway: str, point, context: dict, names: Collection[str]) -> bool | None:
    """The one rule for a gateway's "pay with the saved account" entry points (``names``).

    For :func:`core.hookspecs.splynx_entry_point_visible`: such a point shows only for a
    customer who has a saved account of ``gateway``. Other points, and admin pages about no
    one customer, are left to the host (``None``).
    """
    customer = context.get("customer")
    if point.name not in names or customer is None:
        return None
    with host.db.reading() as session:
        return bool(host.saved_accounts(gateway).of_customer(session, customer.id))
