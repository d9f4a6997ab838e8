"""The IPpay test system's rules, as the simulator applies them.

* TerminalID ``TESTTERMINAL`` (others on request); an unknown one answers ``996``.
* The amount's cents pick the result of SALE, AUTHONLY and CHECK: the cent values in
  :data:`~splynx_ippay.codes.TEST_DECLINING_CENTS` decline with ActionCode ``0`` + cents
  (``5205`` → ``005`` Do not honor, ``1051`` → ``051`` Insufficient funds); every other amount
  approves.
* A card number failing Luhn answers ``900`` "Invalid card number."; an expired card ``054``;
  a routing number failing its checksum ``923``.
* Tokens are format-preserving and deterministic: same length as the number, first digit
  and last 4 digits kept, letters and digits alternating in between.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from datetime import datetime, timezone

from core.gateway.cards import Expiry, luhn_valid, routing_number_valid

from ..codes import ACTION_TEXTS, TEST_DECLINING_CENTS

TEST_TERMINAL = "TESTTERMINAL"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"


class Rejection(Exception):
    """A request the gateway refuses with an ActionCode and an error message."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or ACTION_TEXTS.get(code, "Error"))
        self.code = code
        self.message = message or ACTION_TEXTS.get(code, "Error") + "."


def amount_cents(raw: str) -> int:
    if not raw or not raw.isdigit() or int(raw) <= 0:
        raise Rejection("920", "Invalid amount.")
    return int(raw)


def result_code(cents: int) -> str:
    """``000`` when the test system approves this amount, else its decline code."""
    tail = cents % 100
    return f"0{tail:02d}" if tail in TEST_DECLINING_CENTS else "000"


def check_card(number: str, month: str, year: str) -> Expiry:
    if not number.isdigit() or not luhn_valid(number):
        raise Rejection("900", "Invalid card number.")
    if not month or not year:
        raise Rejection("900", "CardExpMonth and CardExpYear are required with CardNum.")
    try:
        expiry = Expiry.parse(month, year)
    except ValueError:
        raise Rejection("912", "Invalid card format.") from None
    if expiry.expired():
        raise Rejection("054", "Expired card.")
    return expiry


def check_bank(aba: str, account_number: str) -> None:
    if not routing_number_valid(aba):
        raise Rejection("923", "Invalid ABA.")
    if not account_number.isdigit() or not 4 <= len(account_number) <= 17:
        raise Rejection("924", "Invalid DDA.")


def make_token(terminal: str, number: str, length: int | None = None) -> str:
    """Deterministic format-preserving token for ``number`` on ``terminal``."""
    length = length or len(number)
    digest = hmac.new(terminal.encode(), number.encode(), hashlib.sha256).digest()
    middle = []
    for i, byte in enumerate(itertools.islice(itertools.cycle(digest), length - 5)):
        alphabet = _LETTERS if i % 2 == 0 else _DIGITS
        middle.append(alphabet[byte % len(alphabet)])
    return number[0] + "".join(middle) + number[-4:]


_sequence = itertools.count(1)


def new_transaction_id(letter: str = "B") -> str:
    """A gateway-generated id: a letter, ``YYYYMMDDhhmmss`` and 3 digits (18 characters)."""
    return f"{letter}{datetime.now(timezone.utc):%Y%m%d%H%M%S}{next(_sequence) % 1000:03d}"


def approval_code() -> str:
    return f"TEST{next(_sequence) % 100:02d}"
