"""Strict parsing of what a request carries: ids, amounts, digit strings, numbers, text and choices.

One set of parsers for the host and every add-on, so no input reaches the database or a
gateway in a shape it cannot take (and no input answers with a 500):

* digits are ASCII ``0-9`` only (``str.isdigit`` also accepts ``²`` and ``٣``);
* ids are ``1 .. MAX_ID``, the range of an ``INTEGER`` primary key on PostgreSQL and MariaDB;
* amounts are plain decimals with at most two places (``25``, ``25.5``, ``25,50``), positive
  and bounded: no exponent, no ``NaN`` or ``Infinity``, no ``_`` or thousands separators;
* text is one line, without control characters (``NUL`` is refused by PostgreSQL, a newline
  would forge log lines) and at most as long as its column;
* a choice is one of the values a form offered, nothing else.
* links a page renders (entry points' add-on URLs) are http, https or a path of this app:
  never ``javascript:``, ``data:`` or a protocol-relative ``//host``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

#: the largest id a table holds (a signed 32-bit INTEGER primary key)
MAX_ID = 2**31 - 1
#: the largest amount a form accepts unless it names its own bound
MAX_AMOUNT = Decimal("100000")

_DIGITS = re.compile(r"[0-9]+")
#: a path of this app: one leading slash (not ``//`` or ``/\``), no spaces or control characters
_APP_PATH = re.compile(r"/(?![/\\])[^\s\x00-\x1f\x7f]*")
_AMOUNT = re.compile(r"(?P<whole>[0-9]{1,12})(?:[.,](?P<cents>[0-9]{1,2}))?")
#: characters text never carries: C0/C1 controls, DEL, and the Unicode line and paragraph separators
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: an address a mail server accepts: one ``@``, a dotted domain, no spaces or control characters
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+")


def ascii_digits(raw, *, max_length: int = 64) -> str | None:
    """``raw`` stripped when it is 1..``max_length`` ASCII digits, else ``None``."""
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) > max_length or not _DIGITS.fullmatch(text):
        return None
    return text


def parse_id(raw) -> int | None:
    """A record id (ASCII digits, ``1 .. MAX_ID``) or ``None``."""
    text = ascii_digits(raw, max_length=10)
    if text is None:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_amount(raw, *, maximum: Decimal = MAX_AMOUNT, allow_zero: bool = False) -> Decimal | None:
    """A positive (or, with ``allow_zero``, zero) amount of at most two places and at most ``maximum``, or ``None``.

    ``.`` or ``,`` may separate the cents (``25,50``); ``1,000`` is not a thousand, it is refused.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    match = _AMOUNT.fullmatch(text)
    if match is None:
        return None
    amount = Decimal(f"{match['whole']}.{match['cents'] or '0'}").quantize(Decimal("0.01"))
    return amount if (amount > 0 or allow_zero) and amount <= maximum else None


def parse_int(raw, *, minimum: int, maximum: int) -> int | None:
    """A whole number ``minimum .. maximum`` written in ASCII digits, or ``None``."""
    text = ascii_digits(raw, max_length=len(str(maximum)))
    if text is None:
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def parse_text(raw, *, max_length: int, required: bool = False) -> str | None:
    """``raw`` stripped when it is one line of at most ``max_length`` characters (and not empty when
    ``required``), else ``None``."""
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) > max_length or _CONTROL.search(text) or (required and not text):
        return None
    return text


def parse_email(raw, *, max_length: int = 128, required: bool = False) -> str | None:
    """An email address (``name@example.net``) of at most ``max_length`` characters, ``""`` when empty
    and not ``required``, else ``None``."""
    text = parse_text(raw, max_length=max_length, required=required)
    if text is None or (text and not _EMAIL.fullmatch(text)):
        return None
    return text


def parse_choice(raw, choices) -> str | None:
    """``raw`` when it is exactly one of ``choices`` (the values a form offered), else ``None``."""
    return raw if isinstance(raw, str) and raw in choices else None
def is_safe_link(raw) -> bool:
    """Whether ``raw`` may be rendered as a link or frame: ``http(s)://host/...`` or ``/a/path``."""
    text = raw if isinstance(raw, str) else ""
    if _APP_PATH.fullmatch(text):
        return True
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
