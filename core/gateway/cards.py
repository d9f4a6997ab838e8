"""Card and bank-account checks every gateway needs: Luhn, brand, expiry, US routing numbers.

Used by the add-ons' forms (reject a mistyped number before calling the gateway) and by the
simulators (answer like the real test systems do). :class:`CardDetails` is a card typed
into a form: it lives for one request and is never stored or logged.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from ..inputs import ascii_digits

#: (brand, prefix ranges) in the order they are tested; ranges are inclusive prefixes
_BRANDS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("American Express", (("34", "34"), ("37", "37"))),
    ("Diners Club", (("300", "305"), ("36", "36"), ("38", "38"))),
    ("JCB", (("3528", "3589"),)),
    ("Discover", (("6011", "6011"), ("644", "649"), ("65", "65"))),
    ("Mastercard", (("51", "55"), ("2221", "2720"))),
    ("Visa", (("4", "4"),)),
)


def digits_only(value: str) -> str:
    """The number with spaces and dashes removed (other characters are kept, so they fail checks)."""
    return re.sub(r"[\s-]", "", value or "")


def luhn_valid(number: str) -> bool:
    """True for a 12–19 digit number whose Luhn (mod 10) checksum is right."""
    if not re.fullmatch(r"[0-9]{12,19}", number or ""):
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def card_brand(number: str) -> str:
    """The card scheme from the number's prefix, or ``"Card"`` when unknown."""
    for brand, ranges in _BRANDS:
        for low, high in ranges:
            prefix = number[: len(low)]
            if len(prefix) == len(low) and low <= prefix <= high:
                return brand
    return "Card"


def routing_number_valid(aba: str) -> bool:
    """US ABA routing number: 9 digits, weights 3-7-1, sum divisible by 10."""
    if not re.fullmatch(r"[0-9]{9}", aba or ""):
        return False
    d = [int(c) for c in aba]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


@dataclass(frozen=True)
class Expiry:
    """A card's expiry month; valid through the last day of that month."""

    month: int
    year: int  # four digits

    @classmethod
    def parse(cls, month: str | int, year: str | int) -> "Expiry":
        """From form or wire values (``"7"``/``"07"``, ``"27"``/``"2027"``); ``ValueError`` if malformed."""
        m, y = ascii_digits(str(month), max_length=2), ascii_digits(str(year), max_length=4)
        if m is None or y is None:
            raise ValueError("Enter the expiry month and year as numbers.")
        m, y = int(m), int(y)
        if not 1 <= m <= 12:
            raise ValueError("The expiry month must be between 1 and 12.")
        if y < 100:
            y += 2000
        if not 2000 <= y <= 2099:
            raise ValueError("Enter a valid expiry year.")
        return cls(m, y)

    def expired(self, today: date | None = None) -> bool:
        today = today or date.today()
        last_day = date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return last_day < today

    @property
    def mm(self) -> str:
        return f"{self.month:02d}"

    @property
    def yy(self) -> str:
        return f"{self.year % 100:02d}"

    def __str__(self) -> str:
        """``MM/YYYY``, the form the host stores on a saved account."""
        return f"{self.mm}/{self.year}"


@dataclass(frozen=True)
class CardDetails:
    """A card typed into a form for one payment or to be tokenised; never stored or logged."""

    number: str = field(repr=False)
    expiry: Expiry
    holder: str = ""
    cvv: str = field(default="", repr=False)

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def brand(self) -> str:
        return card_brand(self.number)


def account_label(kind: str, brand: str, last4: str) -> str:
    """``Visa ending 1111``, ``Checking ending 6789``: how a card or account is shown and journaled."""
    name = brand or ("Bank account" if kind == "bank" else "Card")
    return f"{name} ending {last4}" if last4 else name
