"""The one class that speaks to Xilo's xServ: the documented REST/JSON **proposal**.

Xilo publishes no xServ wire format (it is a SOAP service whose WSDL is handed to
merchants). :class:`XservApi` implements the REST/JSON proposal of the gateways reference
§2.3 behind one method per xServ method, so the real API can replace it by writing another
class with the same methods; nothing else in the add-on knows URLs, headers or JSON.

* HTTP Basic auth with the merchant id and the API key; every POST carries an
  ``Idempotency-Key`` (the payment attempt's key: a retry of the same attempt is replayed,
  never charged again).
* ``ProcessPayment`` ``POST /payments``; ``TransactionStatus`` ``GET /payments?reference=``;
  ``ProcessRefund`` ``POST /payments/{id}/refunds`` and its look-up ``GET /payments/{id}/refunds``;
  ``POST /tokens`` / ``DELETE /tokens/{token}`` (Card Store); ``AccountStatus``
  ``GET /account``; ``GET /ping``.
* Failures: :class:`~core.gateway.transport.NotSent` (never reached),
  :class:`~core.gateway.transport.OutcomeUnknown` (time-out, dropped connection, 5xx,
  garbage), :class:`~core.gateway.transport.AlreadyReceived` (409: duplicate reference,
  reused key, request in progress) and :class:`Refused` (an error envelope: nothing done).
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from core.gateway.cards import CardDetails
from core.gateway.resolver import LookupRefused
from core.gateway.transport import AlreadyReceived, BadAnswer, ClientPool, HttpResponse, HttpTransport

from .protocol import ALREADY_RECEIVED, ApiError, Payment, ProtocolError, Refund, Token, error_from, loads, \
    payment_from, refund_from, token_from
from .settings import GATEWAY_URL_RULE

#: statuses the proposal answers with (2xx results, 4xx error envelopes); 5xx is always a failure
ANSWERS = range(200, 500)


class Refused(Exception):
    """The gateway refused the request with an error envelope; nothing was done."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class XservConfig:
    """Where and as whom to talk to xServ."""

    url: str
    merchant_id: str
    api_key: str = field(repr=False)
    connect_timeout: float = 5.0
    read_timeout: float = 60.0


def card_body(card: CardDetails) -> dict:
    """The ``card`` object of a request (the number and CVV go to Xilo only)."""
    body = {"number": card.number, "exp_month": card.expiry.month, "exp_year": card.expiry.year,
            "holder_name": card.holder}
    if card.cvv:
        body["cvv"] = card.cvv
    return body


class XservApi:
    """xServ methods over one pooled HTTP session (REST/JSON proposal)."""

    def __init__(self, config: XservConfig) -> None:
        self.config = config
        secret = base64.b64encode(f"{config.merchant_id}:{config.api_key}".encode()).decode()
        self.transport = HttpTransport(config.url.rstrip("/"), connect_timeout=config.connect_timeout,
                                       read_timeout=config.read_timeout, name="iCharge", url_rule=GATEWAY_URL_RULE,
                                       headers={"Authorization": f"Basic {secret}", "Accept": "application/json"})

    # -- HTTP -------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: dict | None = None, key: str = "") -> tuple[HttpResponse, dict]:
        headers = {}
        payload = None
        if body is not None:
            payload = json.dumps(body, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        if method == "POST":
            headers["Idempotency-Key"] = key or str(uuid.uuid4())
        answer = self.transport.request(method, path, body=payload, headers=headers, accept=ANSWERS)
        try:
            data = loads(answer.body)
            if answer.status >= 400:
                error = error_from(answer.status, data)
                if answer.status == 409 and error.code in ALREADY_RECEIVED:
                    raise AlreadyReceived(f"iCharge: {error}")
                raise Refused(error)
        except ProtocolError as exc:
            raise BadAnswer(f"iCharge answered something that is not an xServ result: {exc}", answer.status) from None
        return answer, data

    @staticmethod
    def _parse(parser, data: dict, status: int):
        try:
            return parser(data)
        except ProtocolError as exc:
            raise BadAnswer(f"iCharge answered something that is not an xServ result: {exc}", status) from None

    # -- xServ methods ----------------------------------------------------------------

    def process_payment(self, key: str, amount: int, currency: str, *, reference: str, description: str = "",
                        token: str = "", card: CardDetails | None = None, store_card: bool = False,
                        recurring: bool = False) -> Payment:
        """ProcessPayment: charge a token or a typed card (optionally storing it) under ``key``."""
        body = {"amount": amount, "currency": currency, "reference": reference, "description": description,
                "recurring": recurring}
        if card is not None:
            body.update(card=card_body(card), store_card=store_card)
        else:
            body["token"] = token
        answer, data = self._call("POST", "/payments", body, key)
        payment = self._parse(payment_from, data, answer.status)
        if answer.headers.get("Idempotent-Replayed") == "true":
            return Payment(**{**payment.__dict__, "replayed": True})
        return payment

    def transaction_status(self, reference: str) -> Payment | None:
        """TransactionStatus: the payment with our ``reference``, ``None`` when xServ has none."""
        try:
            answer, data = self._call("GET", "/payments?" + urlencode({"reference": reference}))
        except Refused as exc:
            raise LookupRefused(str(exc.error)) from None
        found = data.get("data")
        if data.get("object") != "list" or not isinstance(found, list):
            raise BadAnswer("iCharge answered a look-up with something that is not a list", answer.status)
        payments = [self._parse(payment_from, item, answer.status) for item in found if isinstance(item, dict)]
        if any(p.reference != reference for p in payments):
            raise LookupRefused("the look-up answered about another reference")
        approved = [p for p in payments if p.approved]
        return (approved or payments or [None])[-1]

    def process_refund(self, payment_id: str, key: str, amount: int) -> Refund:
        """ProcessRefund: give back ``amount`` of a payment under ``key`` (its reference and Idempotency-Key)."""
        answer, data = self._call("POST", f"/payments/{quote(payment_id, safe='')}/refunds",
                                  {"amount": amount, "reference": key}, key)
        return self._parse(refund_from, data, answer.status)

    def refund_status(self, payment_id: str, reference: str) -> Refund | None:
        """The refund of a payment made under our ``reference``, ``None`` when xServ has none."""
        try:
            answer, data = self._call("GET", f"/payments/{quote(payment_id, safe='')}/refunds")
        except Refused as exc:
            raise LookupRefused(str(exc.error)) from None
        found = data.get("data")
        if data.get("object") != "list" or not isinstance(found, list):
            raise BadAnswer("iCharge answered a refund look-up with something that is not a list", answer.status)
        refunds = [self._parse(refund_from, item, answer.status) for item in found if isinstance(item, dict)]
        return next((r for r in refunds if r.reference == reference), None)

    def create_token(self, card: CardDetails, customer_ref: str) -> Token:
        """Card Store: store a card (no money moves) and get its token."""
        answer, data = self._call("POST", "/tokens", {"card": card_body(card), "customer_ref": customer_ref})
        return self._parse(token_from, data, answer.status)

    def delete_token(self, token: str) -> None:
        """Card Store: forget a token (an unknown one counts as forgotten)."""
        try:
            self._call("DELETE", f"/tokens/{quote(token, safe='')}")
        except Refused as exc:
            if exc.error.status != 404:
                raise

    def account_status(self) -> dict:
        """AccountStatus: the merchant's Client Account (balance, test mode, status)."""
        return self._call("GET", "/account")[1]

    def ping(self) -> dict:
        return self._call("GET", "/ping")[1]


#: the shared APIs, one per configuration
apis: ClientPool[XservApi] = ClientPool(XservApi)
