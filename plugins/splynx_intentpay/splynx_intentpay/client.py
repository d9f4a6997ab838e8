"""The one class that speaks to the gateway: URLs, headers and JSON live here only.

Every POST carries the payment attempt's key as its ``Idempotency-Key`` and ``reference``, so
a retry of the same attempt is replayed, never charged again, and a time-out is settled by
looking the reference up. Failures are :mod:`core.gateway.transport`'s: ``NotSent`` (never
reached), ``OutcomeUnknown`` (time-out, dropped connection, 5xx, garbage), ``AlreadyReceived``
(409: the key was used with another request: look it up, never re-send); an error envelope
(4xx: nothing was done) is an answer, :class:`Answer` with ``error`` set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from core.gateway.cards import CardDetails
from core.gateway.transport import AlreadyReceived, BadAnswer, HttpTransport

from .settings import GatewaySettings

#: statuses the API answers with: 2xx results and 4xx error envelopes (a 5xx is always a failure)
ANSWERS = range(200, 500)


@dataclass(frozen=True)
class Answer:
    """A payment intent or a refund as the gateway answered it, or its error envelope."""

    id: str
    status: str
    amount: int
    error: str = ""

    @property
    def approved(self) -> bool:
        return self.status == "succeeded"


@dataclass(frozen=True)
class Token:
    """A card the gateway tokenised: the reusable token, brand, last 4 digits, expiry (MM/YYYY)."""

    id: str
    brand: str
    last4: str
    expiry: str


class ClientError(Exception):
    """The gateway refused a request (an error envelope); the message is the gateway's."""


def _json(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except ValueError:
        raise BadAnswer("the gateway's answer is not JSON") from None
    if not isinstance(data, dict):
        raise BadAnswer("the gateway's answer is not a JSON object")
    return data


def _answer(data: dict) -> Answer:
    try:
        error = data.get("last_payment_error") or {}
        return Answer(str(data["id"]), str(data["status"]), int(data["amount"]), str(error.get("message", "")))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise BadAnswer(f"the gateway's answer lacks a field ({type(exc).__name__})") from None


class GatewayClient:
    """The gateway's API for one set of settings (one pooled HTTP session)."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.transport = HttpTransport(settings.url, connect_timeout=settings.connect_timeout,
                                       read_timeout=settings.read_timeout, name="IntentPay",
                                       headers={"Authorization": f"Bearer {settings.api_key}"})
        self.currency = settings.currency

    def _post(self, path: str, key: str, body: dict) -> dict:
        """POST under an idempotency key; an error envelope raises :class:`ClientError`."""
        answer = self.transport.request("POST", path, body=json.dumps(body).encode(), accept=ANSWERS,
                                        headers={"Content-Type": "application/json", "Idempotency-Key": key})
        data = _json(answer.body)
        if answer.status == 409:
            raise AlreadyReceived(str((data.get("error") or {}).get("message", "the key was used before")))
        if answer.status >= 300:
            raise ClientError(str((data.get("error") or {}).get("message", f"HTTP {answer.status}")))
        return data

    def _find(self, path: str, key: str) -> Answer | None:
        data = _json(self.transport.request("GET", f"{path}?reference={quote(key)}").body)
        found = data.get("data")
        if not isinstance(found, list):
            raise BadAnswer("the gateway's look-up answer has no list")
        return _answer(found[0]) if found else None

    def tokenize(self, key: str, card: CardDetails) -> Token:
        """A reusable token of a card (the number goes to the gateway only)."""
        data = self._post("/payment_methods", key, {"holder": card.holder, "card": {
            "number": card.number, "exp_month": card.expiry.month, "exp_year": card.expiry.year}})
        try:
            return Token(str(data["id"]), str(data["brand"]), str(data["last4"]), str(data["exp"]))
        except KeyError as exc:
            raise BadAnswer(f"the gateway's token lacks {exc}") from None

    def create_intent(self, key: str, cents: int, *, card: CardDetails | None = None, token: str = "") -> Answer:
        """Charge ``cents`` under the key with a typed card or a saved token; an error envelope is an answer."""
        body = {"amount": cents, "currency": self.currency.lower(), "reference": key}
        if token:
            body["payment_method"] = token
        if card is not None:
            body["card"] = {"number": card.number, "exp_month": card.expiry.month, "exp_year": card.expiry.year,
                            "cvc": card.cvv}
        try:
            return _answer(self._post("/payment_intents", key, body))
        except ClientError as exc:
            return Answer("", "refused", cents, str(exc))

    def find_intent(self, key: str) -> Answer | None:
        """The intent created under the reference ``key``, or ``None`` if the gateway has none."""
        return self._find("/payment_intents", key)

    def refund(self, key: str, intent_id: str, cents: int) -> Answer:
        """Refund ``cents`` of an intent under the key; an error envelope is an answer."""
        try:
            return _answer(self._post("/refunds", key, {"payment_intent": intent_id, "amount": cents,
                                                        "reference": key}))
        except ClientError as exc:
            return Answer("", "refused", cents, str(exc))

    def find_refund(self, key: str) -> Answer | None:
        """The refund made under the reference ``key``, or ``None``."""
        return self._find("/refunds", key)
