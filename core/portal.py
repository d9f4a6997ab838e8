"""Config → Main → Portal: what the customer portal offers, per partner.

The host keeps one set of portal settings (*Default* and per-partner overrides, as Splynx's
"Per partner settings"). Add-ons never store their own portal switches: they declare the
payment methods they put into the portal (:attr:`core.manifest.ModuleSpec.portal_methods`)
and ask the host whether a partner's portal shows one::

    if host.portal.shows_method(session, customer.partner_id, "refill_card"):
        ...

Sections: **Finance → Payment methods** (every declared method; a method's ``default``
says whether it is on before an operator chooses) and **Dashboard** (the tiles shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class PortalMethod:
    """A way to pay that an add-on offers in the customer portal."""

    #: stable key stored in the settings (``refill_card``, ``ippay``)
    key: str
    #: what Config → Main → Portal → Finance → Payment methods lists (``Refill card``)
    label: str
    #: whether partners show it before an operator chooses
    default: bool = True


#: the dashboard tiles the portal can show: (key, label)
DASHBOARD_TILES = (("balance", "Account balance"), ("unpaid_invoices", "Unpaid invoices"),
                   ("unpaid_proformas", "Unpaid proforma invoices"))


class PortalSettings(Protocol):
    """The host's portal settings, as add-ons and portal pages read them (Default partner as fallback)."""

    def methods(self, session: Session, partner_id: int | None) -> frozenset[str]:
        """Keys of the payment methods the partner's portal shows."""

    def shows_method(self, session: Session, partner_id: int | None, key: str) -> bool:
        """Whether the partner's portal shows the payment method ``key``."""

    def tiles(self, session: Session, partner_id: int | None) -> frozenset[str]:
        """Keys of the dashboard tiles (:data:`DASHBOARD_TILES`) the partner's portal shows."""
