"""The iCharge REST/JSON proposal's data: payments, tokens, error envelopes, response codes.

Xilo publishes no wire format for xServ (a SOAP service); this add-on speaks the documented
**proposal** (gateways reference §2.3): JSON bodies, amounts in integer minor units, HTTP
Basic auth with merchant id and API key, an ``Idempotency-Key`` on every POST, AS2805
two-digit response codes. This module only reads and writes those shapes; the HTTP calls
are :class:`splynx_icharge.xserv.XservApi`'s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

#: response codes that approve (AS2805 / ISO 8583 field 39)
APPROVED_CODES = frozenset({"00", "08", "11"})

RESPONSE_TEXTS = {
    "00": "Approved", "08": "Honour with identification", "11": "Approved (VIP)", "05": "Do not honour",
    "14": "Invalid card number", "41": "Lost card", "43": "Stolen card", "51": "Insufficient funds",
    "54": "Expired card", "57": "Transaction not permitted", "61": "Exceeds withdrawal limit",
    "82": "CVV mismatch", "91": "Issuer unavailable", "96": "System error",
}

#: 409 error codes that mean "the gateway already has this request": look it up, never re-send
ALREADY_RECEIVED = frozenset({"duplicate_reference", "idempotency_key_reused", "request_in_progress"})


class ProtocolError(ValueError):
    """A body that is not what the proposal says (not JSON, wrong object, missing fields)."""


def describe(code: str, text: str = "") -> str:
    """``"Do not honour (05)"``; the gateway's own words when the code is not in the table."""
    words = RESPONSE_TEXTS.get(code) or text.strip().rstrip(".") or "Declined"
    return f"{words} ({code})"


@dataclass(frozen=True)
class CardFacts:
    """What the gateway says about a card: never its number."""

    brand: str = ""
    last4: str = ""
    exp_month: int = 0
    exp_year: int = 0
    holder_name: str = ""

    @property
    def expiry(self) -> str:
        """``MM/YYYY`` (the host's saved-account format), empty when unknown."""
        return f"{self.exp_month:02d}/{self.exp_year}" if self.exp_month and self.exp_year else ""

    @property
    def brand_name(self) -> str:
        """``visa`` → ``Visa``, ``amex`` → ``American Express``."""
        return BRAND_NAMES.get(self.brand, self.brand.title())


BRAND_NAMES = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express", "discover": "Discover",
               "jcb": "JCB", "diners": "Diners Club"}


@dataclass(frozen=True)
class Payment:
    """A payment object: approved, declined or a processing error."""

    id: str
    status: str  # approved | declined | error
    response_code: str
    response_text: str
    auth_code: str
    amount: int
    currency: str
    reference: str
    token: str
    card: CardFacts
    replayed: bool = False

    @property
    def approved(self) -> bool:
        return self.status == "approved" and self.response_code in APPROVED_CODES


@dataclass(frozen=True)
class Refund:
    """A refund object: money given back for (part of) a payment."""

    id: str
    payment_id: str
    status: str  # approved | declined
    response_code: str
    amount: int
    reference: str

    #: refunds carry no response text or authorisation code (journal fields of payments)
    response_text = ""
    auth_code = ""

    @property
    def approved(self) -> bool:
        return self.status == "approved" and self.response_code in APPROVED_CODES


@dataclass(frozen=True)
class Token:
    """A stored card in Xilo's Card Store."""

    token: str
    card: CardFacts
    customer_ref: str = ""


@dataclass(frozen=True)
class ApiError:
    """An error envelope: the gateway refused the request and did nothing."""

    status: int
    code: str
    message: str
    field: str = ""

    def __str__(self) -> str:
        return f"{self.message.rstrip('.')} ({self.code})"


def loads(body: bytes) -> dict:
    """A JSON object from a body, or :class:`ProtocolError`."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError("the answer is not JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError("the answer is not a JSON object")
    return data


def _card(data) -> CardFacts:
    data = data if isinstance(data, dict) else {}
    return CardFacts(str(data.get("brand") or ""), str(data.get("last4") or ""), int(data.get("exp_month") or 0),
                     int(data.get("exp_year") or 0), str(data.get("holder_name") or ""))


def payment_from(data: dict, replayed: bool = False) -> Payment:
    """A :class:`Payment` from a payment object, or :class:`ProtocolError`."""
    if data.get("object") != "payment" or not data.get("id") or data.get("status") not in (
            "approved", "declined", "error"):
        raise ProtocolError("the answer is not a payment object")
    try:
        return Payment(str(data["id"]), data["status"], str(data.get("response_code") or ""),
                       str(data.get("response_text") or ""), str(data.get("auth_code") or ""),
                       int(data.get("amount") or 0), str(data.get("currency") or ""), str(data.get("reference") or ""),
                       str(data.get("token") or ""), _card(data.get("card")), replayed)
    except (TypeError, ValueError):
        raise ProtocolError("the payment object has malformed fields") from None


def refund_from(data: dict) -> Refund:
    """A :class:`Refund` from a refund object, or :class:`ProtocolError`."""
    if data.get("object") != "refund" or not data.get("id") or data.get("status") not in ("approved", "declined"):
        raise ProtocolError("the answer is not a refund object")
    try:
        return Refund(str(data["id"]), str(data.get("payment_id") or ""), data["status"],
                      str(data.get("response_code") or ""), int(data.get("amount") or 0),
                      str(data.get("reference") or ""))
    except (TypeError, ValueError):
        raise ProtocolError("the refund object has malformed fields") from None


def token_from(data: dict) -> Token:
    if data.get("object") != "token" or not data.get("token"):
        raise ProtocolError("the answer is not a token object")
    return Token(str(data["token"]), _card(data.get("card")), str(data.get("customer_ref") or ""))


def error_from(status: int, data: dict) -> ApiError:
    """An :class:`ApiError` from an error envelope, or :class:`ProtocolError`."""
    error = data.get("error")
    if not isinstance(error, dict) or not error.get("code"):
        raise ProtocolError(f"HTTP {status} without an error envelope")
    return ApiError(status, str(error["code"]), str(error.get("message") or ""), str(error.get("field") or ""))
