"""The test-mode rules the simulated xServ applies (gateways reference §2.3, a PROPOSAL).

* Test cards (Luhn-valid; behaviour borrowed from Stripe's public test cards):
  4111111111111111, 4242424242424242, 5555555555554444, 2223003122003222 and 378282246310005
  approve (``00``); 4000000000000002 declines ``05`` Do not honour; 4000000000009995 ``51``
  Insufficient funds; 4000000000000069 ``54`` Expired card; 4000000000000127 ``82`` (only
  when a CVV is sent); 4000000000000119 is a processing error (``status: error``, ``96``).
  Any other Luhn-valid number approves; a number failing Luhn is ``400 invalid_card_number``.
* The amount's cents can decline too: ``.51`` → ``51``, ``.05`` → ``05``.
* An expired card (or token) declines ``54``.

A token remembers the card's *behaviour*, brand, last 4 digits and expiry, never its number.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass

from core.gateway.cards import Expiry, card_brand

#: last digits of the decline test cards → (status, response code)
DECLINE_CARDS = {
    "4000000000000002": ("declined", "05"), "4000000000009995": ("declined", "51"),
    "4000000000000069": ("declined", "54"), "4000000000000127": ("declined", "82"),
    "4000000000000119": ("error", "96"),
}
#: amount cents that decline whatever the card
DECLINE_CENTS = {51: "51", 5: "05"}

BRANDS = {"Visa": "visa", "Mastercard": "mastercard", "American Express": "amex", "Discover": "discover",
          "JCB": "jcb", "Diners Club": "diners"}


@dataclass(frozen=True)
class Behaviour:
    """How a card answers, without its number."""

    brand: str
    last4: str
    expiry: Expiry
    holder: str = ""
    #: (status, code) it always gets, or ``None`` for a card that approves
    fixed: tuple[str, str] | None = None
    #: the fixed result applies only when a CVV is sent (the CVV-mismatch card)
    needs_cvv: bool = False

    @classmethod
    def of(cls, number: str, expiry: Expiry, holder: str = "") -> "Behaviour":
        fixed = DECLINE_CARDS.get(number)
        return cls(BRANDS.get(card_brand(number), "card"), number[-4:], expiry, holder, fixed,
                   needs_cvv=fixed == ("declined", "82"))

    def card(self) -> dict:
        """The ``card`` object of an answer."""
        return {"brand": self.brand, "last4": self.last4, "exp_month": self.expiry.month,
                "exp_year": self.expiry.year, "holder_name": self.holder}


def result(behaviour: Behaviour, amount: int, *, cvv_sent: bool) -> tuple[str, str]:
    """(status, response code) of a payment of ``amount`` minor units with this card."""
    if behaviour.expiry.expired():
        return "declined", "54"
    if behaviour.fixed is not None and (cvv_sent or not behaviour.needs_cvv):
        return behaviour.fixed
    cents = DECLINE_CENTS.get(amount % 100)
    if cents:
        return "declined", cents
    return "approved", "00"


_sequence = itertools.count(1)


def new_id(prefix: str) -> str:
    """``pay_7H3kQ0bV``-style ids: a prefix and random letters and digits."""
    return f"{prefix}_{secrets.token_urlsafe(9).replace('-', 'x').replace('_', 'y')}"


def auth_code() -> str:
    return f"{(next(_sequence) * 7919) % 1000000:06d}"
