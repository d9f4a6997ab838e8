"""Charging one payment request through iCharge: instrument, fee, journal, resolver, result.

:class:`Charger` is what the money hooks (pay invoice, refill, bulk charge) run. The payment
attempt's key is both the payment's ``reference`` and its ``Idempotency-Key``: a second call
for the same attempt is looked up by reference first (:mod:`core.gateway.resolver`) and, if
it must be sent again, is sent with the same key, so xServ replays instead of charging.

It never touches the ledger: it returns a :class:`core.payments.PaymentResult` and the host's
payment service books it. When the customer asked to keep a typed card, the token of the
approved payment is saved (never the number).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.gateway.cards import CardDetails, account_label
from core.gateway.masking import masked_logger
from core.gateway.resolver import Gateway, Outcome, Resolver
from core.payments import SAVE_CREDENTIALS, PaymentRequest, PaymentResult, PaymentStatus, to_minor_units
from core.gateway.accounts import NewAccount
from core.gateway.bulk import EMPTY_ACCOUNT
from core.host import Host

from .journal import Journal
from .protocol import ApiError, Payment, describe
from .settings import ADDON_ID, IchargeSettings, load_settings
from .xserv import Refused, XservApi, XservConfig, apis

log = masked_logger(__name__)

COMMENT = "Pay by iCharge"

Answer = Payment | ApiError


def api_for(settings: IchargeSettings) -> XservApi:
    """The shared xServ API (one HTTP session) for these settings."""
    return apis.get(XservConfig(settings.url, settings.merchant_id, settings.api_key, settings.connect_timeout,
                                settings.read_timeout))


def answered(answer: Answer, note: str) -> Outcome[Answer]:
    """The outcome a valid answer states: a payment (approved or not) or an error envelope."""
    if isinstance(answer, ApiError):
        return Outcome(PaymentStatus.DECLINED, answer,
                       f"iCharge refused the payment: {answer}. Nothing was charged.", note)
    if answer.approved:
        return Outcome(PaymentStatus.APPROVED, answer, "The payment was approved.", note)
    return Outcome(PaymentStatus.DECLINED, answer,
                   f"The payment was declined: {describe(answer.response_code, answer.response_text)}.", note)


@dataclass(frozen=True)
class Instrument:
    """What pays: a saved token, or a card typed for this payment (kept if the customer asked)."""

    label: str
    token: str = ""
    card: CardDetails | None = None
    save: bool = False

    @classmethod
    def from_request(cls, request: PaymentRequest) -> "Instrument | None":
        if request.account is not None:
            account = request.account
            return cls(account_label("card", account.brand, account.last4), token=account.token)
        card = request.details.get("card")
        if isinstance(card, CardDetails):
            return cls(account_label("card", card.brand, card.last4), card=card,
                       save=bool(request.details.get(SAVE_CREDENTIALS)))
        return None


class Charger:
    """Moves the money of one :class:`PaymentRequest` through iCharge, at most once per key."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.journal = Journal(host.db)

    def settings(self, partner_id: int | None) -> IchargeSettings:
        with self.host.db.transaction() as session:
            return load_settings(self.host, session, partner_id)

    def charge(self, request: PaymentRequest, *, recurring: bool = False) -> PaymentResult:
        settings = self.settings(request.partner_id)
        key = request.attempt_key
        sent = self.journal.find(key)
        instrument = Instrument.from_request(request)
        if instrument is None and sent is None:
            return PaymentResult.declined(EMPTY_ACCOUNT)
        if not settings.configured:
            return PaymentResult.declined("iCharge is not configured yet (merchant ID or API key missing). "
                                          "Contact your provider.")
        # a payment sent before keeps its amount (the fee setting may have changed since)
        total = sent.amount if sent is not None else request.amount + settings.fee(request.amount)
        fee = total - request.amount
        resolver = Resolver(Gateway("iCharge", "reference look-up", api_for(settings).transaction_status, answered))
        if sent is None:
            self.journal.open(reference=key, customer_id=request.customer_id, amount=total,
                              currency=settings.currency, account=instrument.label, recurring=recurring)
            outcome = resolver.first(key, self._sender(request, instrument, settings, total, recurring))
        elif instrument is None:
            outcome = resolver.settle(key)
        else:
            outcome = resolver.resume(key, self._sender(request, instrument, settings, total, recurring))
        self.journal.close(key, outcome.journal_status, outcome.response, outcome.note)
        log.info("iCharge ProcessPayment %s for customer %s: %s (%s)", key, request.customer_id,
                 outcome.status.value, outcome.note)
        if outcome.status is not PaymentStatus.APPROVED:
            return PaymentResult(outcome.status, message=outcome.message)
        payment = outcome.response
        label = account_label("card", payment.card.brand_name, payment.card.last4) if payment.card.last4 \
            else sent.account if sent is not None else instrument.label
        if instrument is not None and instrument.save:
            self._keep_card(request.customer_id, settings, payment, instrument)
        return PaymentResult(
            PaymentStatus.APPROVED, reference=payment.id, approval_code=payment.auth_code, message=COMMENT,
            amount=total, method=settings.method, fee=fee, fee_category=settings.fee_category,
            fields=(payment.id, payment.auth_code, label, key, payment.response_text),
        )

    @staticmethod
    def _sender(request: PaymentRequest, instrument: Instrument, settings: IchargeSettings, total: Decimal,
                recurring: bool):
        """``send()`` for the resolver: ProcessPayment under the attempt key; an error envelope is an answer."""
        api, key = api_for(settings), request.attempt_key

        def send() -> Answer:
            try:
                return api.process_payment(key, to_minor_units(total), settings.currency, reference=key,
                                           description=request.description, token=instrument.token,
                                           card=instrument.card, store_card=instrument.save, recurring=recurring)
            except Refused as exc:
                return exc.error
        return send

    def _keep_card(self, customer_id: int, settings: IchargeSettings, payment: Payment,
                   instrument: Instrument) -> None:
        """Save the token of an approved payment of a typed card ("save this card for future payments")."""
        if not payment.token:
            log.warning("iCharge approved %s without a token; the card was not saved", payment.id)
            return
        card = payment.card
        self.host.saved_accounts(ADDON_ID).store(
            customer_id, NewAccount("card", payment.token, card.brand_name or instrument.card.brand,
                                    card.last4 or instrument.card.last4, card.expiry or str(instrument.card.expiry),
                                    card.holder_name or instrument.card.holder),
            payment_method=settings.method if settings.change_payment_method else "")
