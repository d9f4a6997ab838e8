"""Masking of card numbers, CVVs and bank account numbers in anything that is logged.

Gateway add-ons log requests and answers for support; those bodies may hold a PAN, a CVV
or a bank account number (IPpay even echoes the full request in one failure mode). Every
line goes through a :class:`Scrubber` first:

* the contents of named sensitive fields (XML elements such as ``<CardNum>``, JSON keys
  such as ``"number"``, form fields ``cvv=``) are masked: numbers keep their last four
  digits, CVVs become ``***``;
* as a safety net, any run of 13 to 19 digits anywhere (the lengths of card numbers, with
  spaces or dashes between groups) is masked the same way, so a card number in a free-text
  message is caught too.

:class:`MaskingFilter` applies a scrubber to every record of a logger, so a stray
``log.info("%s", body)`` cannot leak a number.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cached_property

#: field names (XML elements, JSON keys, form fields) whose values are card or account numbers
NUMBER_FIELDS = ("CardNum", "AccountNumber", "card_number", "account_number", "number", "pan")
#: field names whose values are card security codes (never kept, not even the last digit)
SECRET_FIELDS = ("CVV2", "cvv", "cvc", "cvv2", "security_code")

#: any run of 13 to 19 digits, with spaces or dashes between groups (compiled with the first text scrubbed)
_LOOSE_DIGITS = r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])"


def mask_number(value: str) -> str:
    """``4111111111111111`` → ``************1111``; short values are masked whole; masked stays masked."""
    if re.fullmatch(r"\*+\d{0,4}", value):
        return value
    digits = re.sub(r"\D", "", value)
    if len(digits) <= 4:
        return "*" * len(value)
    return "*" * (len(digits) - 4) + digits[-4:]


def _field_patterns(names: Iterable[str]) -> list[re.Pattern[str]]:
    alternatives = "|".join(re.escape(n) for n in names)
    return [
        # <CardNum Tokenize="true">4111...</CardNum>
        re.compile(rf"(<(?P<tag>{alternatives})\b[^>]*>)(?P<value>[^<]*)(</(?P=tag)>)", re.IGNORECASE),
        # "number": "4111..."  or  'cvv': 123
        re.compile(rf"""((?P<q>["'])(?:{alternatives})(?P=q)\s*:\s*["']?)(?P<value>[^"',}}\s]*)()""", re.IGNORECASE),
        # cvv=123&  /  CardNum=4111...
        re.compile(rf"((?<![\w])(?:{alternatives})=)(?P<value>[^&\s]*)()", re.IGNORECASE),
    ]


class Scrubber:
    """Masks sensitive values in text; configurable field names per gateway.

    Its patterns are compiled with the first text it scrubs, not when it is made (scrubbers are
    made when their modules are imported, at start-up).
    """

    def __init__(self, number_fields: Iterable[str] = NUMBER_FIELDS,
                 secret_fields: Iterable[str] = SECRET_FIELDS) -> None:
        self._number_fields = tuple(number_fields)
        self._secret_fields = tuple(secret_fields)

    @cached_property
    def _patterns(self) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]], re.Pattern[str]]:
        """The secret fields', the number fields' and the loose digits' patterns."""
        return _field_patterns(self._secret_fields), _field_patterns(self._number_fields), re.compile(_LOOSE_DIGITS)

    def __call__(self, text: str) -> str:
        return self.scrub(text)

    def scrub(self, text: str) -> str:
        """The text with every sensitive value masked."""
        if not text:
            return text
        secrets, numbers, loose_digits = self._patterns
        for pattern in secrets:
            text = pattern.sub(lambda m: m.group(1) + "***" + m.groups()[-1], text)
        for pattern in numbers:
            text = pattern.sub(lambda m: m.group(1) + mask_number(m.group("value")) + m.groups()[-1], text)
        return loose_digits.sub(lambda m: mask_number(m.group(0)), text)


#: the scrubber with the default field names, for gateways that need nothing else
scrub = Scrubber()


class MaskingFilter(logging.Filter):
    """A logging filter that scrubs each record's final message (arguments included)."""

    def __init__(self, scrubber: Scrubber = scrub) -> None:
        super().__init__()
        self.scrubber = scrubber

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.scrubber.scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def masked_logger(name: str, scrubber: Scrubber = scrub) -> logging.Logger:
    """``logging.getLogger(name)`` with a :class:`MaskingFilter` attached (once)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, MaskingFilter) for f in logger.filters):
        logger.addFilter(MaskingFilter(scrubber))
    return logger
