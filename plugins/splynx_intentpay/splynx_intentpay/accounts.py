"""Saved cards: tokenised at the gateway, the token kept by the host (never the number).

The gateway client is imported with the first card added, not with the portal's pages.
"""

from __future__ import annotations

import uuid

from core.gateway.accounts import AccountError, NewAccount
from core.gateway.cards import CardDetails
from core.host import Host

from .settings import ADDON_ID


def add_card(host: Host, customer, card: CardDetails):
    """Tokenise ``card`` and save it for the customer (the first card becomes the default)."""
    from core.gateway.transport import GatewayError

    from .charging import settings_of
    from .client import ClientError, GatewayClient

    settings = settings_of(host, customer.partner_id)
    try:
        token = GatewayClient(settings).tokenize(f"pm-{uuid.uuid4().hex}", card)
    except ClientError as exc:
        raise AccountError(f"IntentPay refused the card: {exc}") from None
    except GatewayError as exc:
        raise AccountError(f"The card could not be saved ({exc}). Please try again.") from None
    return host.saved_accounts(ADDON_ID).store(
        customer.id, NewAccount("card", token.id, token.brand, token.last4, token.expiry, card.holder),
        payment_method=settings.method)
