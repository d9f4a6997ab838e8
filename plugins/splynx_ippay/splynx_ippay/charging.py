"""Charging one payment request through IPpay: instrument, fee, journal, resolver, result.

:class:`Charger` is what the money hooks (pay invoice, refill, bulk charge) run. It never
touches the ledger: it returns a :class:`core.payments.PaymentResult` and the host's
payment service books it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.gateway.cards import CardDetails, account_label
from core.gateway.masking import masked_logger
from core.gateway.resolver import Outcome
from core.payments import PaymentRequest, PaymentResult, PaymentStatus, SavedAccount, to_minor_units
from core import models as records
from core.gateway.bulk import EMPTY_ACCOUNT
from core.host import Host

from .client import BankDetails, GatewayConfig, IppayClient, clients
from .journal import Journal
from .resolver import resolver, unique
from .settings import IppaySettings, load_settings

log = masked_logger(__name__)

COMMENT = "Pay by IPpay"


@dataclass(frozen=True)
class Instrument:
    """What pays: a saved token, or card / bank details typed for this payment only."""

    kind: str  # card | bank
    label: str
    token: str = ""
    card: CardDetails | None = None
    bank: BankDetails | None = None
    holder: str = ""

    @property
    def ach_type(self) -> str:
        if self.bank is not None:
            return self.bank.account_type
        return "SAVINGS" if self.label.lower().startswith("savings") else "CHECKING"

    @classmethod
    def saved(cls, account: SavedAccount) -> "Instrument":
        return cls(account.kind, account_label(account.kind, account.brand, account.last4), token=account.token,
                   holder=account.holder)

    @classmethod
    def from_request(cls, request: PaymentRequest) -> "Instrument | None":
        if request.account is not None:
            return cls.saved(request.account)
        card, bank = request.details.get("card"), request.details.get("bank")
        if isinstance(card, CardDetails):
            return cls("card", account_label("card", card.brand, card.last4), card=card,
                       holder=card.holder)
        if isinstance(bank, BankDetails):
            return cls("bank", account_label("bank", bank.account_type.title(), bank.last4), bank=bank,
                       holder=bank.holder)
        return None


def client_for(settings: IppaySettings) -> IppayClient:
    """The shared client (one HTTP session) for these gateway settings."""
    return clients.get(GatewayConfig(settings.url, settings.terminal_id, settings.password,
                                     settings.connect_timeout, settings.read_timeout))


class Charger:
    """Moves the money of one :class:`PaymentRequest` through IPpay, at most once per key."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.journal = Journal(host.db)

    def settings(self, partner_id: int | None) -> IppaySettings:
        with self.host.db.transaction() as session:
            return load_settings(self.host, session, partner_id)

    def charge(self, request: PaymentRequest, *, origin: str = "INTERNET") -> PaymentResult:
        settings = self.settings(request.partner_id)
        sent = self.journal.find(request.attempt_key)
        instrument = Instrument.from_request(request)
        if instrument is None and sent is None:
            return PaymentResult.declined(EMPTY_ACCOUNT)
        if not settings.configured:
            return PaymentResult.declined("IPpay is not configured yet (Terminal ID missing). Contact your provider.")
        if instrument is None:  # sent before with details typed for that payment only: ENQ is all that is left
            outcome = resolver(client_for(settings)).settle(request.attempt_key)
            self.journal.close(request.attempt_key, outcome.journal_status, outcome.response, outcome.note)
            return self._result(request, outcome, settings, sent.amount, "bank" if sent.transaction_type == "CHECK"
                                else "card", sent.account)
        if not settings.allows(instrument.kind):
            return PaymentResult.declined("This payment type is not accepted through IPpay.")
        total = request.amount + settings.fee(request.amount)
        outcome = self._run(request, instrument, settings, total, origin, resume=sent is not None)
        log.info("IPpay %s %s for customer %s: %s (%s)", "CHECK" if instrument.kind == "bank" else "SALE",
                 request.attempt_key, request.customer_id, outcome.status.value, outcome.note)
        return self._result(request, outcome, settings, total, instrument.kind, instrument.label)

    @staticmethod
    def _result(request: PaymentRequest, outcome: Outcome, settings: IppaySettings, total: Decimal, kind: str,
                label: str) -> PaymentResult:
        if outcome.status is not PaymentStatus.APPROVED:
            return PaymentResult(outcome.status, message=outcome.message)
        response = outcome.response
        fee = total - request.amount
        return PaymentResult(
            PaymentStatus.APPROVED, reference=request.attempt_key, approval_code=response.approval,
            message=COMMENT, amount=total, method=settings.method_for(kind), fee=fee,
            fee_category=settings.fee_category, fields=(request.attempt_key, response.approval, label, response.text),
        )

    def _run(self, request: PaymentRequest, instrument: Instrument, settings: IppaySettings, total: Decimal,
             origin: str, *, resume: bool) -> Outcome:
        key = request.attempt_key
        cents = to_minor_units(total)
        client = client_for(settings)
        order_number = self._order_number(request)
        if instrument.kind == "bank":
            def send():
                return client.check(key, cents, holder=instrument.holder or request.payer.get("name", ""),
                                    ach_type=instrument.ach_type, sec=settings.ach_sec, token=instrument.token,
                                    bank=instrument.bank, order_number=order_number,
                                    check_number="".join(c for c in order_number if c.isdigit())[-8:] or "1")
        else:
            def send():
                return client.sale(key, cents, token=instrument.token, card=instrument.card, origin=origin,
                                   order_number=order_number, payer=request.payer)
        resolve = resolver(client)
        if resume:
            outcome = resolve.resume(key, unique(send))
        else:
            self.journal.open(reference=key, transaction_type="CHECK" if instrument.kind == "bank" else "SALE",
                              transaction_id=key, customer_id=request.customer_id, amount=total,
                              account=instrument.label)
            outcome = resolve.first(key, unique(send))
        self.journal.close(key, outcome.journal_status, outcome.response, outcome.note)
        return outcome

    def _order_number(self, request: PaymentRequest) -> str:
        model = {"invoice": records.Invoice, "proforma": records.ProformaInvoice}.get(request.target_kind)
        if model is None:
            return f"REFILL-{request.customer_id}"
        with self.host.db.transaction() as session:
            document = session.get(model, request.target_id)
            return document.number if document else ""
