"""Refunding a payment made through IntentPay: what ``splynx_refund_payment`` sends and answers.

The host's payment service owns the refund (lock, refundable amount, attempt, booking); this
module talks to the gateway and keeps the journal. A refund of the original intent (the
payment's gateway reference) is sent under the refund attempt's key, as its ``reference`` and
``Idempotency-Key``, so the unknown-outcome rules hold as for payments: a lost answer is looked
up by reference; not found after a time-out, it is re-sent with the same key (replayed).
"""

from __future__ import annotations

from core.gateway.resolver import Gateway, Outcome, Resolver
from core.host import Host
from core.payments import PaymentRequest, PaymentResult, PaymentStatus, to_minor_units

from .charging import settings_of
from .client import Answer, GatewayClient
from .journal import Journal


def answered(answer: Answer, note: str) -> Outcome[Answer]:
    """The outcome a refund answer states."""
    if answer.approved:
        return Outcome(PaymentStatus.APPROVED, answer, "The refund was approved.", note)
    return Outcome(PaymentStatus.DECLINED, answer,
                   f"IntentPay refused the refund: {answer.error or answer.status}. Nothing was refunded.", note)


def refund(host: Host, request: PaymentRequest) -> PaymentResult:
    """Send (or look up) the refund of attempt ``request.attempt_key``."""
    journal = Journal(host)
    key, original = request.attempt_key, request.refund_of
    sent = journal.find(key)
    client = GatewayClient(settings_of(host, request.partner_id))
    resolver = Resolver(Gateway("IntentPay", "refund look-up", client.find_refund, answered))

    def send() -> Answer:
        return client.refund(key, original.reference, to_minor_units(request.amount))

    if sent is None:
        journal.open(key, "refund", request.customer_id, request.amount)
        outcome = resolver.first(key, send)
    else:
        outcome = resolver.resume(key, send)
    journal.close(key, outcome)
    if outcome.status is PaymentStatus.APPROVED:
        return PaymentResult(PaymentStatus.APPROVED, reference=outcome.response.id, amount=request.amount,
                             message="Refund by IntentPay")
    return PaymentResult(outcome.status, message=outcome.message)
