"""Saved test cards for ``splynx demo`` (:func:`core.hookspecs.splynx_demo_data`), alike for every card gateway.

A card gateway add-on tokenises one test card per customer the demo offers at the demo's
simulator and keeps the token in the host's saved accounts, exactly as a customer saving a
card in the portal would; a Charge from Finance → Invoices then approves their invoices.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from core import models as records

from ..demo import DemoSetup
from .accounts import NewAccount
from .cards import CardDetails, Expiry, account_label

#: test card numbers every simulator approves (Visa, Mastercard, Visa): one per offered customer
DEMO_CARDS = ("4111111111111111", "5555555555554444", "4012888888881881")


def save_demo_cards(host, gateway: str, demo: DemoSetup, tokenise: Callable[[CardDetails, object], NewAccount]
                    ) -> list[str]:
    """Give each offered customer without a saved account of ``gateway`` a tokenised test card.

    ``tokenise(card, customer)`` sends the card (the customer is a read record) to the demo's simulator and returns what it
    answered (it raises :class:`core.gateway.accounts.AccountError` when refused). Customers who
    already have an account of ``gateway`` are left as they are, so a repeated call adds
    nothing. Returns one line naming the customers and cards, or nothing.
    """
    if not demo.gateway_url:
        return []
    saved = host.saved_accounts(gateway)
    expiry = Expiry(12, date.today().year + 3)
    added = []
    for customer_id, number in zip(demo.customer_ids, DEMO_CARDS):
        with host.db.reading() as session:
            customer = session.get(records.Customer, customer_id)
            if customer is None or saved.of_customer(session, customer_id):
                continue
        new = tokenise(CardDetails(number, expiry, customer.name), customer)
        saved.store(customer_id, new)
        added.append(f"{customer.login} ({account_label('card', new.brand, new.last4)})")
    return [f"saved test cards for {', '.join(added)}"] if added else []
