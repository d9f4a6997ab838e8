"""The IPpay gateway client: one typed method per transaction type.

Every method returns the parsed :class:`~splynx_ippay.protocol.Response` (approvals and
declines alike) or raises a :mod:`core.gateway.transport` error: :class:`NotSent` when the
gateway was never reached, :class:`OutcomeUnknown` (read time-out, dropped connection, HTTP
5xx, a body that is not IPpay XML) when it may have acted. Deciding what an unknown outcome
means (ENQ first) is :mod:`splynx_ippay.charging`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.gateway.cards import CardDetails
from core.gateway.masking import NUMBER_FIELDS, SECRET_FIELDS, Scrubber
from core.gateway.transport import BadAnswer, ClientPool, HttpTransport

from .protocol import CONTENT_TYPE, Element, ProtocolError, Response, build_request, parse_response
from .settings import GATEWAY_URL_RULE

__all__ = ["BankDetails", "CardDetails", "GatewayConfig", "IppayClient", "clients"]

#: IPpay's sensitive elements: numbers keep their last 4 digits, the rest is starred out
SCRUBBER = Scrubber(number_fields=NUMBER_FIELDS, secret_fields=(*SECRET_FIELDS, "Password", "TerminalID"))


@dataclass(frozen=True)
class BankDetails:
    """A bank account typed into a form; only its token is ever stored."""

    account_number: str = field(repr=False)
    routing_number: str
    account_type: str  # CHECKING | SAVINGS
    holder: str = ""

    @property
    def last4(self) -> str:
        return self.account_number[-4:]


@dataclass(frozen=True)
class GatewayConfig:
    """Where and as whom to talk to IPpay."""

    url: str
    terminal_id: str
    password: str = field(default="", repr=False)
    connect_timeout: float = 5.0
    read_timeout: float = 60.0


class IppayClient:
    """Sends IPpay transactions over one pooled HTTP session."""

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.transport = HttpTransport(config.url, connect_timeout=config.connect_timeout,
                                       read_timeout=config.read_timeout, scrubber=SCRUBBER, name="IPpay",
                                       headers={"Accept": "text/xml"}, url_rule=GATEWAY_URL_RULE)

    def send(self, transaction_type: str, fields: dict) -> Response:
        """Post one transaction and parse the answer; garbage becomes :class:`BadAnswer`."""
        document = build_request({"TransactionType": transaction_type, "TerminalID": self.config.terminal_id,
                                  "Password": self.config.password or None, **fields})
        answer = self.transport.post(document, content_type=CONTENT_TYPE)
        try:
            return parse_response(answer.body)
        except ProtocolError as exc:
            raise BadAnswer(f"IPpay answered something that is not a transaction result: {exc}",
                            answer.status) from None

    # -- tokens ---------------------------------------------------------------------

    def tokenize_card(self, card: CardDetails) -> Response:
        return self.send("TOKENIZE", {"CardNum": card.number, "CardExpMonth": card.expiry.mm,
                                      "CardExpYear": card.expiry.yy, "CardName": card.holder})

    def tokenize_bank(self, bank: BankDetails) -> Response:
        return self.send("TOKENIZE", {"ABA": bank.routing_number, "AccountNumber": bank.account_number,
                                      "CardName": bank.holder})

    # -- money ------------------------------------------------------------------------

    def sale(self, transaction_id: str, cents: int, *, token: str = "", card: CardDetails | None = None,
             origin: str = "INTERNET", order_number: str = "", payer: dict | None = None) -> Response:
        """Charge a card (by token, or typed card details with its CVV)."""
        fields = {"TransactionID": transaction_id, "Origin": origin, "OrderNumber": order_number,
                  "TotalAmount": str(cents), **_billing(payer)}
        if card is not None:
            fields.update({"CardNum": card.number, "CVV2": card.cvv, "CardExpMonth": card.expiry.mm,
                           "CardExpYear": card.expiry.yy, "CardName": card.holder})
        else:
            fields["Token"] = token
        return self.send("SALE", fields)

    def check(self, transaction_id: str, cents: int, *, holder: str, ach_type: str, sec: str,
              token: str = "", bank: BankDetails | None = None, order_number: str = "",
              check_number: str = "1", transaction_type: str = "CHECK") -> Response:
        """Debit a bank account (ACH CHECK); ``transaction_type="REVERSAL"`` credits it back."""
        children = ({"AccountNumber": bank.account_number, "ABA": bank.routing_number} if bank is not None
                    else {"Token": token})
        children["CheckNumber"] = check_number
        ach = Element(attrs={"Type": ach_type, "SEC": sec}, children=children)
        return self.send(transaction_type, {"TransactionID": transaction_id, "OrderNumber": order_number,
                                            "ACH": ach, "CardName": holder, "TotalAmount": str(cents)})

    def credit(self, original_transaction_id: str, cents: int) -> Response:
        """Refund (part of) an earlier card sale, linked by its TransactionID."""
        return self.send("CREDIT", {"TransactionID": original_transaction_id, "TotalAmount": str(cents)})

    def credit_by_token(self, transaction_id: str, token: str, cents: int) -> Response:
        """Refund to a saved card without linking to a sale: a new transaction under ``transaction_id``."""
        return self.send("CREDIT", {"TransactionID": transaction_id, "Token": token, "TotalAmount": str(cents)})

    def void(self, transaction_id: str, approval: str, cents: int) -> Response:
        return self.send("VOID", {"TransactionID": transaction_id, "Approval": approval, "TotalAmount": str(cents)})

    def enq(self, transaction_id: str) -> Response:
        """Look an earlier transaction up (after a time-out, before anything else)."""
        return self.send("ENQ", {"TransactionID": transaction_id})

    def ping(self) -> Response:
        return self.send("PING", {})


def _billing(payer: dict | None) -> dict:
    payer = payer or {}
    return {"BillingAddress": payer.get("street"), "BillingCity": payer.get("city"),
            "BillingPostalCode": payer.get("zip"), "Email": payer.get("email")}


#: the shared clients, one per gateway configuration
clients: ClientPool[IppayClient] = ClientPool(IppayClient)
