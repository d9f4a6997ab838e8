"""A customer's saved iCharge cards: tokens in Xilo's Card Store, kept as host saved accounts.

Adding a card stores it in the Card Store (``POST /tokens``, no money moves) and keeps the
token with brand, last 4 digits and expiry in the host's saved accounts
(:meth:`core.host.Host.saved_accounts`: one default per customer, no removal while a
payment uses it). Removing a card also deletes its token at Xilo. The gateway client is
imported by the first card added or removed.
"""

from __future__ import annotations

from core.gateway.cards import CardDetails
from core.gateway.masking import masked_logger
from core import models as records
from core.gateway.accounts import AccountError, NewAccount
from core.host import Host
from core.payments import SavedAccount

from .settings import ADDON_ID, IchargeSettings, load_settings

log = masked_logger(__name__)

__all__ = ["AccountError", "Accounts"]


def customer_ref(customer) -> str:
    """How a customer is named in the Card Store."""
    return f"CUST-{customer.id}"


class Accounts:
    """Adds (through the Card Store), removes and re-orders one customer's saved iCharge cards."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.saved = host.saved_accounts(ADDON_ID)

    def make_default(self, customer_id: int, account_id) -> None:
        self.saved.make_default(customer_id, account_id)

    def _settings(self, partner_id: int) -> IchargeSettings:
        with self.host.db.transaction() as session:
            settings = load_settings(self.host, session, partner_id)
        if not settings.configured:
            raise AccountError("iCharge is not configured yet. Please contact your provider.")
        return settings

    def add_card(self, customer, card: CardDetails):
        from core.gateway.transport import GatewayError

        from .charging import api_for
        from .xserv import Refused

        settings = self._settings(customer.partner_id)
        try:
            token = api_for(settings).create_token(card, customer_ref(customer))
        except Refused as exc:
            raise AccountError(f"iCharge refused the card: {exc.error}.") from None
        except GatewayError as exc:
            log.warning("Card Store failed: %s", exc)
            raise AccountError("iCharge could not be reached, so nothing was saved. Please try again.") from None
        facts = token.card
        new = NewAccount("card", token.token, facts.brand_name or card.brand, facts.last4 or card.last4,
                         facts.expiry or str(card.expiry), facts.holder_name or card.holder)
        return self.saved.store(customer.id, new, payment_method=settings.method if settings.change_payment_method else "")

    def remove(self, customer_id: int, account_id) -> SavedAccount:
        """Forget the card here, then delete its token at Xilo (a failure there is logged, not shown)."""
        from core.gateway.transport import GatewayError

        from .charging import api_for
        from .xserv import Refused

        removed = self.saved.remove(customer_id, account_id)
        with self.host.db.transaction() as session:
            partner_id = session.get(records.Customer, customer_id).partner_id
        try:
            api_for(self._settings(partner_id)).delete_token(removed.token)
        except (GatewayError, Refused, AccountError) as exc:
            log.warning("token of customer %s's card ending %s was not deleted at Xilo: %s", customer_id,
                        removed.last4, exc)
        return removed
