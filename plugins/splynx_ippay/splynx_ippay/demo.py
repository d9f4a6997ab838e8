"""splynx-ippay's share of ``splynx demo``'s data: saved test cards, tokenised (TOKENIZE) at the demo's simulator.

The cards are tokenised with the simulator's test terminal, the one the demo prints beside
its Gateway URL: once the operator enters both in Modules list, a Charge approves these
customers' invoices.
"""

from __future__ import annotations

from core.demo import DemoSetup
from core.gateway.accounts import AccountError, NewAccount
from core.gateway.cards import CardDetails
from core.gateway.demo import save_demo_cards
from core.host import Host

from .client import GatewayConfig, IppayClient
from .codes import describe
from .settings import ADDON_ID
from .simulator.rules import TEST_TERMINAL


def demo_data(host: Host, demo: DemoSetup) -> list[str]:
    """Tokenise a test card for each customer the demo offers (none without a simulator)."""

    def tokenise(card: CardDetails, customer) -> NewAccount:
        response = IppayClient(GatewayConfig(demo.gateway_url, TEST_TERMINAL)).tokenize_card(card)
        if not response.approved or not response.token:
            raise AccountError(f"IPpay refused the test card: {describe(response.action_code, response.text)}.")
        return NewAccount("card", response.token, card.brand, card.last4, str(card.expiry), card.holder)

    return save_demo_cards(host, ADDON_ID, demo, tokenise)
