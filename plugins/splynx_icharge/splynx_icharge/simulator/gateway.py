"""The simulated xServ: the REST/JSON proposal at ``/api/v1`` with test-mode rules.

Basic auth per merchant (and an optional source-IP allowlist), ``Idempotency-Key`` on every
POST (kept for the simulator's life: the same key and body replay the stored answer with
``Idempotent-Replayed: true``; the same key with another body is ``409
idempotency_key_reused``), ``409 duplicate_reference`` for a second approved payment with a
reference, tokens, payments, look-ups by reference and refunds. Validation errors and
conflicts are not stored, so they can be retried. Nothing here keeps a card number.

Refunds (``POST /payments/{id}/refunds``) carry their own ``reference``; ``GET
/payments/{id}/refunds`` lists a payment's refunds, so a refund whose answer was lost is
found by reference like a payment (an extension of the proposal, as ``TransactionStatus``
covers refunds in xServ).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

from core.gateway.cards import Expiry, luhn_valid
from core.gateway.simulator import Reply, SimRequest

from .rules import Behaviour, auth_code, new_id, result

API_PATH = "/api/v1"
TEST_MERCHANT, TEST_API_KEY = "XILOTEST", "sk_test_icharge"
RESPONSE_TEXT = {"00": "Approved", "05": "Do not honour", "51": "Insufficient funds", "54": "Expired card",
                 "82": "CVV mismatch", "96": "System error"}

#: (method, path pattern) → (kind, handler name); the kind names the xServ method (fault matching)
ROUTES = (
    ("GET", r"/ping", "Ping", "ping"),
    ("GET", r"/account", "AccountStatus", "account"),
    ("POST", r"/tokens", "CreateToken", "create_token"),
    ("GET", r"/tokens", "ListTokens", "list_tokens"),
    ("GET", r"/tokens/(?P<token>[\w-]+)", "ViewToken", "view_token"),
    ("DELETE", r"/tokens/(?P<token>[\w-]+)", "DeleteToken", "delete_token"),
    ("POST", r"/payments", "ProcessPayment", "process_payment"),
    ("GET", r"/payments", "TransactionStatus", "find_payments"),
    ("GET", r"/payments/(?P<payment>[\w-]+)", "TransactionStatus", "view_payment"),
    ("POST", r"/payments/(?P<payment>[\w-]+)/refunds", "ProcessRefund", "refund"),
    ("GET", r"/payments/(?P<payment>[\w-]+)/refunds", "TransactionStatus", "list_refunds"),
)


class ApiError(Exception):
    """An error envelope answer."""

    def __init__(self, status: int, code: str, message: str, field_name: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field_name

    def reply(self) -> Reply:
        error = {"code": self.code, "message": self.message, **({"field": self.field} if self.field else {})}
        return _json(self.status, {"error": error})


def _json(status: int, data: dict, headers: dict | None = None) -> Reply:
    return Reply(status, json.dumps(data).encode(), "application/json", headers or {})


@dataclass
class Merchant:
    merchant_id: str
    api_key: str
    currency: str = "AUD"
    allowed_ips: frozenset[str] = frozenset()
    tokens: dict[str, tuple[Behaviour, str]] = field(default_factory=dict)  # token → (behaviour, customer_ref)
    payments: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    keys: dict[str, tuple[str, Reply]] = field(default_factory=dict)  # Idempotency-Key → (fingerprint, reply)


class IchargeSimulator:
    """A :class:`core.gateway.simulator.SimulatorApp` speaking the xServ REST/JSON proposal."""

    garbage = b"<html><head><title>xServ</title></head><body>Service temporarily unavailable</body></html>"

    def __init__(self, merchants: dict[str, str] | None = None, allowed_ips: tuple[str, ...] = ()) -> None:
        #: merchant id → API key
        self.credentials = dict(merchants or {TEST_MERCHANT: TEST_API_KEY})
        self.allowed_ips = frozenset(allowed_ips)
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.merchants = {m: Merchant(m, key, allowed_ips=self.allowed_ips) for m, key in self.credentials.items()}
            self._journal: list[dict] = []

    def journal(self) -> list[dict]:
        with self._lock:
            return list(self._journal)

    # -- routing ------------------------------------------------------------------------

    @staticmethod
    def _route(request: SimRequest):
        path = urlsplit(request.path).path
        if not path.startswith(API_PATH):
            return None, None
        rest = path[len(API_PATH):].rstrip("/") or "/"
        for method, pattern, kind, handler in ROUTES:
            match = re.fullmatch(pattern, rest)
            if match and method == request.method:
                return kind, (handler, match.groupdict())
        return None, None

    def kind(self, request: SimRequest) -> str:
        return self._route(request)[0] or "INVALID"

    def handle(self, request: SimRequest) -> Reply:
        kind, route = self._route(request)
        if route is None:
            return ApiError(404, "not_found", "No such endpoint.").reply()
        handler, params = route
        with self._lock:
            try:
                merchant = self._authenticate(request)
                if request.method != "POST":
                    return getattr(self, f"_{handler}")(merchant, request, **params)
                return self._idempotent(merchant, request, kind, lambda body: getattr(self, f"_{handler}")(
                    merchant, request, body, **params))
            except ApiError as exc:
                return exc.reply()

    def _authenticate(self, request: SimRequest) -> Merchant:
        header = request.headers.get("Authorization", "")
        try:
            merchant_id, api_key = base64.b64decode(header.removeprefix("Basic ")).decode().split(":", 1)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ApiError(401, "unauthorized", "Missing or malformed credentials.") from None
        merchant = self.merchants.get(merchant_id)
        if merchant is None or merchant.api_key != api_key:
            raise ApiError(401, "unauthorized", "Unknown merchant ID or API key.")
        if merchant.allowed_ips and request.client not in merchant.allowed_ips:
            raise ApiError(403, "ip_not_allowed", f"Requests from {request.client} are not allowed for this merchant.")
        return merchant

    def _idempotent(self, merchant: Merchant, request: SimRequest, kind: str, handler) -> Reply:
        key = request.headers.get("Idempotency-Key", "")
        if not key or len(key) > 64:
            raise ApiError(400, "invalid_request", "Every POST needs an Idempotency-Key of at most 64 characters.")
        fingerprint = hashlib.sha256(request.method.encode() + request.path.encode() + request.body).hexdigest()
        stored = merchant.keys.get(key)
        if stored is not None:
            if stored[0] != fingerprint:
                raise ApiError(409, "idempotency_key_reused", "This Idempotency-Key was used with another request.")
            reply = stored[1]
            self._log(kind, merchant, {"replayed": True, **_summary(reply)})
            return Reply(reply.status, reply.body, reply.content_type, {**reply.headers, "Idempotent-Replayed": "true"})
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise ApiError(400, "invalid_request", "The body is not JSON.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_request", "The body is not a JSON object.")
        reply = handler(body)
        merchant.keys[key] = (fingerprint, reply)
        self._log(kind, merchant, _summary(reply))
        return reply

    def _log(self, kind: str, merchant: Merchant, facts: dict) -> None:
        self._journal.append({"at": datetime.now(timezone.utc).isoformat(), "kind": kind,
                              "merchant": merchant.merchant_id, "replayed": False, **facts})

    # -- cards and tokens ----------------------------------------------------------------------

    @staticmethod
    def _behaviour(card) -> Behaviour:
        if not isinstance(card, dict):
            raise ApiError(400, "invalid_request", "A card object is required.", "card")
        number = str(card.get("number") or "")
        if not number.isdigit() or not luhn_valid(number):
            raise ApiError(400, "invalid_card_number", "Card number failed validation", "card.number")
        try:
            expiry = Expiry.parse(card.get("exp_month", ""), card.get("exp_year", ""))
        except ValueError:
            raise ApiError(400, "invalid_expiry", "The expiry month or year is invalid.", "card.exp_month") from None
        return Behaviour.of(number, expiry, str(card.get("holder_name") or "")[:64])

    @staticmethod
    def _token_object(token: str, behaviour: Behaviour, customer_ref: str) -> dict:
        return {"token": token, "object": "token", "test": True, "card": behaviour.card(),
                "customer_ref": customer_ref, "created": _now()}

    def _create_token(self, merchant: Merchant, request: SimRequest, body: dict) -> Reply:
        behaviour = self._behaviour(body.get("card"))
        if behaviour.expiry.expired():
            raise ApiError(400, "invalid_expiry", "The card has expired.", "card.exp_year")
        token, customer_ref = new_id("tok"), str(body.get("customer_ref") or "")
        merchant.tokens[token] = (behaviour, customer_ref)
        return _json(201, self._token_object(token, behaviour, customer_ref))

    def _stored_token(self, merchant: Merchant, token: str) -> tuple[Behaviour, str]:
        if token not in merchant.tokens:
            raise ApiError(404, "not_found", "No such token.", "token")
        return merchant.tokens[token]

    def _view_token(self, merchant: Merchant, request: SimRequest, token: str) -> Reply:
        return _json(200, self._token_object(token, *self._stored_token(merchant, token)))

    def _delete_token(self, merchant: Merchant, request: SimRequest, token: str) -> Reply:
        self._stored_token(merchant, token)
        del merchant.tokens[token]
        self._log("DeleteToken", merchant, {"token": token})
        return _json(200, {"token": token, "object": "token", "deleted": True})

    def _list_tokens(self, merchant: Merchant, request: SimRequest) -> Reply:
        ref = _query(request).get("customer_ref", "")
        data = [self._token_object(t, b, r) for t, (b, r) in merchant.tokens.items() if not ref or r == ref]
        return _json(200, {"object": "list", "data": data})

    # -- payments -------------------------------------------------------------------------

    def _process_payment(self, merchant: Merchant, request: SimRequest, body: dict) -> Reply:
        amount, reference = body.get("amount"), body.get("reference")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise ApiError(400, "invalid_amount", "The amount must be a positive whole number of minor units.",
                           "amount")
        currency = body.get("currency") or merchant.currency
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
            raise ApiError(400, "invalid_request", "The currency must be an ISO 4217 code.", "currency")
        if not isinstance(reference, str) or not 1 <= len(reference) <= 64:
            raise ApiError(400, "invalid_request", "A reference of at most 64 characters is required.", "reference")
        card = body.get("card")
        if card is not None:
            behaviour, token = self._behaviour(card), ""
        else:
            token = str(body.get("token") or "")
            if token not in merchant.tokens:
                raise ApiError(400, "invalid_request", "A card or a known token is required.", "token")
            behaviour = merchant.tokens[token][0]
        if not body.get("allow_duplicate_reference") and any(
                p["reference"] == reference and p["status"] == "approved" for p in merchant.payments.values()):
            raise ApiError(409, "duplicate_reference", f"A payment with reference {reference} was already approved.")
        status, code = result(behaviour, amount, cvv_sent=bool(isinstance(card, dict) and card.get("cvv")))
        if status == "approved" and card is not None and body.get("store_card"):
            token = new_id("tok")
            merchant.tokens[token] = (behaviour, str(body.get("customer_ref") or ""))
        payment = {"id": new_id("pay"), "object": "payment", "test": True, "status": status,
                   "approved": status == "approved", "response_code": code, "response_text": RESPONSE_TEXT[code],
                   "auth_code": auth_code() if status == "approved" else None, "amount": amount,
                   "currency": currency, "reference": reference, "description": str(body.get("description") or ""),
                   "token": token or None, "card": behaviour.card(), "recurring": bool(body.get("recurring")),
                   "refunded_amount": 0, "created": _now()}
        merchant.payments[payment["id"]] = payment
        return _json(201, payment)

    def _find_payments(self, merchant: Merchant, request: SimRequest) -> Reply:
        reference = _query(request).get("reference")
        if not reference:
            raise ApiError(400, "invalid_request", "Give a reference to look payments up.", "reference")
        data = [p for p in merchant.payments.values() if p["reference"] == reference]
        self._log("TransactionStatus", merchant, {"reference": reference, "found": len(data)})
        return _json(200, {"object": "list", "data": data})

    def _view_payment(self, merchant: Merchant, request: SimRequest, payment: str) -> Reply:
        if payment not in merchant.payments:
            raise ApiError(404, "not_found", "No such payment.")
        return _json(200, merchant.payments[payment])

    def _refund(self, merchant: Merchant, request: SimRequest, body: dict, payment: str) -> Reply:
        original = merchant.payments.get(payment)
        if original is None:
            raise ApiError(404, "not_found", "No such payment.")
        amount = body.get("amount", original["amount"] - original["refunded_amount"])
        if not isinstance(amount, int) or amount <= 0:
            raise ApiError(400, "invalid_amount", "The amount must be a positive whole number of minor units.",
                           "amount")
        if original["status"] != "approved" or amount > original["amount"] - original["refunded_amount"]:
            return ApiError(422, "amount_exceeds_refundable", "The amount exceeds what is left to refund.").reply()
        original["refunded_amount"] += amount
        refund = {"id": new_id("ref"), "object": "refund", "payment_id": payment, "status": "approved",
                  "response_code": "00", "amount": amount, "reference": str(body.get("reference") or ""),
                  "created": _now()}
        merchant.refunds[refund["id"]] = refund
        return _json(201, refund)

    def _list_refunds(self, merchant: Merchant, request: SimRequest, payment: str) -> Reply:
        if payment not in merchant.payments:
            raise ApiError(404, "not_found", "No such payment.")
        data = [r for r in merchant.refunds.values() if r["payment_id"] == payment]
        self._log("TransactionStatus", merchant, {"payment_id": payment, "found": len(data)})
        return _json(200, {"object": "list", "data": data})

    def _ping(self, merchant: Merchant, request: SimRequest) -> Reply:
        return _json(200, {"ok": True, "test": True})

    def _account(self, merchant: Merchant, request: SimRequest) -> Reply:
        return _json(200, {"merchant_id": merchant.merchant_id, "test": True, "client_account_balance": 1250,
                           "currency": merchant.currency, "status": "active"})


def _query(request: SimRequest) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _summary(reply: Reply) -> dict:
    """What the journal keeps of an answer: ids, reference, amount and result, never card data."""
    data = json.loads(reply.body)
    return {"status_code": reply.status, "id": data.get("id") or data.get("token"),
            "reference": data.get("reference"), "amount": data.get("amount"), "status": data.get("status"),
            "response_code": data.get("response_code")}
