"""Charging one payment request: journal first, then the gateway, a look-up settles the unknown.

:class:`Charger` is what the money hooks (pay invoice, refill, bulk charge) run. The attempt's
key is the intent's ``reference`` and ``Idempotency-Key``; the journal row written before the
call tells a second call for the same attempt that it was sent before, so it is looked up
(:mod:`core.gateway.resolver`) and, if the gateway never saw it, re-sent with the same key.
It never touches the ledger: it returns a :class:`core.payments.PaymentResult` and the
host's payment service books it.
"""

from __future__ import annotations

from core.gateway.bulk import EMPTY_ACCOUNT
from core.gateway.cards import CardDetails
from core.gateway.masking import masked_logger
from core.gateway.resolver import Gateway, Outcome, Resolver
from core.host import Host
from core.payments import PaymentRequest, PaymentResult, PaymentStatus, to_minor_units

from .client import Answer, GatewayClient
from .journal import Journal
from .settings import GatewaySettings, load_settings

log = masked_logger(__name__)


def answered(answer: Answer, note: str) -> Outcome[Answer]:
    """The outcome an intent states: succeeded, or declined with the gateway's reason."""
    if answer.approved:
        return Outcome(PaymentStatus.APPROVED, answer, "The payment was approved.", note)
    return Outcome(PaymentStatus.DECLINED, answer, f"The payment was declined: {answer.error or answer.status}.",
                   note)


def settings_of(host: Host, partner_id: int | None) -> GatewaySettings:
    with host.db.transaction() as session:
        return load_settings(host, session, partner_id)


class Charger:
    """Moves the money of one :class:`PaymentRequest`, at most once per attempt key."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.journal = Journal(host)

    def charge(self, request: PaymentRequest) -> PaymentResult:
        key = request.attempt_key
        settings = settings_of(self.host, request.partner_id)
        sent = self.journal.find(key)
        card = request.details.get("card")
        card = card if isinstance(card, CardDetails) else None
        token = request.account.token if request.account is not None else ""
        if not (card or token) and sent is None:
            return PaymentResult.declined(EMPTY_ACCOUNT)
        if not settings.configured:
            return PaymentResult.declined("IntentPay is not configured yet (API key missing). Contact your provider.")
        client = GatewayClient(settings)
        resolver = Resolver(Gateway("IntentPay", "reference look-up", client.find_intent, answered))
        amount = sent.amount if sent is not None else request.amount

        def send() -> Answer:
            return client.create_intent(key, to_minor_units(amount), card=card, token=token)

        if sent is None:
            self.journal.open(key, request.target_kind, request.customer_id, amount)
            outcome = resolver.first(key, send)
        elif card is None and not token:
            outcome = resolver.settle(key)
        else:
            outcome = resolver.resume(key, send)
        self.journal.close(key, outcome)
        log.info("IntentPay payment %s for customer %s: %s (%s)", key, request.customer_id,
                 outcome.status.value, outcome.note)
        if outcome.status is not PaymentStatus.APPROVED:
            return PaymentResult(outcome.status, message=outcome.message)
        return PaymentResult(PaymentStatus.APPROVED, reference=outcome.response.id, message="Pay by IntentPay",
                             amount=amount, method=settings.method)
