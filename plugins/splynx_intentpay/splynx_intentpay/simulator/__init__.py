"""A local IntentPay gateway for the demo and the tests: real HTTP, PaymentIntents semantics.

The skeleton speaks a small JSON API modelled on public PaymentIntents APIs (bearer API key,
amounts in minor units, an ``Idempotency-Key`` on every POST). Replace its rules with your
gateway's documented ones, not the client's assumptions:

* ``POST /v1/payment_methods`` {card: {number, exp_month, exp_year, cvc}, holder}: a
  reusable token (``pm_...``) with brand and last 4 digits;
* ``POST /v1/payment_intents`` {amount, currency, reference, payment_method | card}: confirms
  at once; ``status`` is ``succeeded``, or ``requires_payment_method`` with
  ``last_payment_error`` (amount 52.05 is declined, as are cards ending 0002);
* ``GET /v1/payment_intents?reference=KEY``: the look-up, ``{"data": [intent...]}``;
* ``POST /v1/refunds`` {payment_intent, amount, reference}: refuses more than the rest of
  the intent's amount (400); ``GET /v1/refunds?reference=KEY`` looks refunds up.

A POST with a key seen before replays the first answer (the same body) or is refused with
409 (another body). Faults (:mod:`core.gateway.simulator`) are armed per request kind:
``tokenize``, ``create``, ``lookup``, ``refund``, ``refund_lookup``.
Run it with ``python -m splynx_intentpay.simulator --port 8099``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from urllib.parse import parse_qs, urlsplit

from core.gateway.cards import card_brand
from core.gateway.simulator import Reply, RunningSimulator, SimRequest

API_PATH = "/v1"
TEST_API_KEY = "sk_test_intentpay"
DECLINED_CENTS = 5205
DECLINED_CARD_END = "0002"
JSON = "application/json"
KINDS = {("POST", "/payment_methods"): "tokenize", ("POST", "/payment_intents"): "create",
         ("GET", "/payment_intents"): "lookup", ("POST", "/refunds"): "refund", ("GET", "/refunds"): "refund_lookup"}


def _reply(status: int, data) -> Reply:
    return Reply(status, json.dumps(data).encode(), JSON)


def _error(status: int, kind: str, message: str) -> Reply:
    return _reply(status, {"error": {"type": kind, "message": message}})


class GatewaySimulator:
    """The gateway's rules: tokens, intents, refunds, answers by idempotency key, a journal without card data."""

    garbage = b"<html>502 Bad Gateway</html>"

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.tokens: dict[str, dict] = {}
            self.intents: dict[str, dict] = {}
            self.refunds: dict[str, dict] = {}
            self.answers: dict[str, tuple[str, Reply]] = {}
            self._journal: list[dict] = []

    def journal(self) -> list[dict]:
        with self.lock:
            return [dict(entry) for entry in self._journal]

    def kind(self, request: SimRequest) -> str:
        path = urlsplit(request.path).path.removeprefix(API_PATH)
        return KINDS.get((request.method, path), "other")

    def handle(self, request: SimRequest) -> Reply:
        if request.headers.get("Authorization") != f"Bearer {TEST_API_KEY}":
            return _error(401, "authentication_error", "Invalid API key.")
        kind = self.kind(request)
        if kind in ("lookup", "refund_lookup"):
            reference = parse_qs(urlsplit(request.path).query).get("reference", [""])[0]
            store = self.intents if kind == "lookup" else self.refunds
            with self.lock:
                self._journal.append({"kind": kind, "reference": reference, "replayed": False})
                found = [item for item in store.values() if item["reference"] == reference]
            return _reply(200, {"object": "list", "data": found})
        if kind == "other":
            return _error(404, "invalid_request_error", "Unknown path.")
        try:
            body = json.loads(request.body)
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            return _error(400, "invalid_request_error", "The body is not a JSON object.")
        key = request.headers.get("Idempotency-Key", "")
        digest = hashlib.sha256(request.body).hexdigest()
        with self.lock:
            if key in self.answers:
                seen, reply = self.answers[key]
                self._journal.append({"kind": kind, "reference": body.get("reference", ""), "replayed": True,
                                      "status": "", "amount": 0})
                if seen != digest:
                    return _error(409, "idempotency_error", "Keys are for one request body only.")
                return reply
            reply = getattr(self, f"_{kind}")(body)
            if key:
                self.answers[key] = (digest, reply)
            return reply

    def _tokenize(self, body: dict) -> Reply:
        card = body.get("card") or {}
        number = str(card.get("number", ""))
        if not number.isdigit() or not 12 <= len(number) <= 19:
            return _error(400, "card_error", "The card number is invalid.")
        token = {"id": "pm_" + secrets.token_hex(8), "brand": card_brand(number), "last4": number[-4:],
                 "exp": f"{int(card.get('exp_month', 0)):02d}/{card.get('exp_year', '')}"}
        self.tokens[token["id"]] = {**token, "declines": number.endswith(DECLINED_CARD_END)}
        self._journal.append({"kind": "tokenize", "reference": token["id"], "replayed": False})
        return _reply(200, token)

    def _create(self, body: dict) -> Reply:
        try:
            amount, reference = int(body["amount"]), str(body["reference"])
        except (KeyError, TypeError, ValueError):
            return _error(400, "invalid_request_error", "amount and reference are required.")
        if body.get("payment_method"):
            token = self.tokens.get(str(body["payment_method"]))
            if token is None:
                return _error(400, "invalid_request_error", "No such payment method.")
            declines, last4 = token["declines"], token["last4"]
        else:
            number = str((body.get("card") or {}).get("number", ""))
            declines, last4 = number.endswith(DECLINED_CARD_END), number[-4:]
        declined = declines or amount == DECLINED_CENTS
        intent = {"id": "pi_" + secrets.token_hex(8), "object": "payment_intent", "amount": amount,
                  "amount_refunded": 0, "currency": body.get("currency", "usd"), "reference": reference,
                  "status": "requires_payment_method" if declined else "succeeded", "last4": last4,
                  "last_payment_error": {"code": "card_declined", "message": "Your card was declined."}
                  if declined else None}
        self.intents[intent["id"]] = intent
        self._journal.append({"kind": "create", "reference": reference, "replayed": False,
                              "status": intent["status"], "amount": amount})
        return _reply(200, intent)

    def _refund(self, body: dict) -> Reply:
        intent = self.intents.get(str(body.get("payment_intent", "")))
        try:
            amount, reference = int(body["amount"]), str(body["reference"])
        except (KeyError, TypeError, ValueError):
            return _error(400, "invalid_request_error", "amount and reference are required.")
        if intent is None or intent["status"] != "succeeded":
            return _error(400, "invalid_request_error", "No such succeeded payment intent.")
        if amount <= 0 or amount > intent["amount"] - intent["amount_refunded"]:
            return _error(400, "invalid_request_error", "The amount is more than is left to refund.")
        intent["amount_refunded"] += amount
        refund = {"id": "re_" + secrets.token_hex(8), "object": "refund", "amount": amount,
                  "payment_intent": intent["id"], "reference": reference, "status": "succeeded"}
        self.refunds[refund["id"]] = refund
        self._journal.append({"kind": "refund", "reference": reference, "replayed": False, "status": "succeeded",
                              "amount": amount})
        return _reply(200, refund)


def start(port: int = 0) -> RunningSimulator:
    """Serve a fresh simulator on 127.0.0.1 from a background thread; ``.url`` ends in ``/v1``."""
    return RunningSimulator(GatewaySimulator(), API_PATH, port=port)
