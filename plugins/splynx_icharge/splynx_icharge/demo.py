"""splynx-icharge's share of ``splynx demo``'s data: saved test cards in the demo simulator's Card Store.

The cards are stored with the simulator's test merchant, the one the demo prints beside its
Gateway URL: once the operator enters both in Modules list, a Charge approves these
customers' invoices.
"""

from __future__ import annotations

from core.demo import DemoSetup
from core.gateway.accounts import NewAccount
from core.gateway.cards import CardDetails
from core.gateway.demo import save_demo_cards
from core.host import Host

from .accounts import customer_ref
from .settings import ADDON_ID
from .simulator.gateway import TEST_API_KEY, TEST_MERCHANT
from .xserv import XservApi, XservConfig


def demo_data(host: Host, demo: DemoSetup) -> list[str]:
    """Store a test card for each customer the demo offers (none without a simulator)."""

    def tokenise(card: CardDetails, customer) -> NewAccount:
        token = XservApi(XservConfig(demo.gateway_url, TEST_MERCHANT, TEST_API_KEY)).create_token(
            card, customer_ref(customer))
        facts = token.card
        return NewAccount("card", token.token, facts.brand_name or card.brand, facts.last4 or card.last4,
                          facts.expiry or str(card.expiry), facts.holder_name or card.holder)

    return save_demo_cards(host, ADDON_ID, demo, tokenise)
