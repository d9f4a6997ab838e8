"""Value types of saved credentials: what a gateway tokenised, and why saving failed.

A gateway add-on tokenises a card or bank account with its gateway and hands the token
with brand, last 4 digits and expiry to the host's store
(:meth:`core.host.Host.saved_accounts`). A customer may keep several accounts per
gateway; exactly one is the default the bulk charge uses.
"""

from __future__ import annotations

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
