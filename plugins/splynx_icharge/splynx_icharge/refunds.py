"""Refunding a card payment made through iCharge: what ``splynx_refund_payment`` sends and answers.

The host's payment service owns the refund (lock, refundable amount, attempt, booking); this
module talks to xServ and keeps the journal. A refund is ``ProcessRefund`` on the original
payment (its xServ id is the payment's gateway reference) under the refund attempt's key,
sent both as the refund's ``reference`` and as its ``Idempotency-Key``. So the unknown-outcome
rules of :mod:`core.gateway.resolver` hold as for payments: a lost answer is looked up among
the payment's refunds by reference; not found after a time-out, it is sent again with the
same key, which xServ replays instead of refunding twice.
"""

from __future__ import annotations

from functools import partial

from core.gateway.resolver import Gateway, Outcome, Resolver
from core.host import Host
from core.payments import PaymentRequest, PaymentResult, PaymentStatus, to_minor_units

from .charging import api_for
from .journal import Journal
from .protocol import ApiError, Refund, describe
from .settings import load_settings
from .xserv import Refused

COMMENT = "Refund by iCharge"

Answer = Refund | ApiError


def answered(answer: Answer, note: str) -> Outcome[Answer]:
    """The outcome a valid answer states: a refund (approved or not) or an error envelope."""
    if isinstance(answer, ApiError):
        return Outcome(PaymentStatus.DECLINED, answer, f"iCharge refused the refund: {answer}. Nothing was refunded.",
                       note)
    if answer.approved:
        return Outcome(PaymentStatus.APPROVED, answer, "The refund was approved.", note)
    return Outcome(PaymentStatus.DECLINED, answer, f"The refund was declined: {describe(answer.response_code)}.", note)


def refund(host: Host, request: PaymentRequest) -> PaymentResult:
    """Send (or look up) the refund of attempt ``request.attempt_key``."""
    journal = Journal(host.db)
    key, original = request.attempt_key, request.refund_of
    sent = journal.find(key)
    if sent is not None and sent.status in ("approved", "declined"):
        return _result(PaymentStatus(sent.status), request, sent.note)
    with host.db.transaction() as session:
        settings = load_settings(host, session, request.partner_id)
    api = api_for(settings)
    cents = to_minor_units(request.amount)

    def send() -> Answer:
        try:
            return api.process_refund(original.reference, key, cents)
        except Refused as exc:
            return exc.error

    resolver = Resolver(Gateway("iCharge", "refund look-up", partial(api.refund_status, original.reference), answered))
    if sent is None:
        journal.open(reference=key, customer_id=request.customer_id, amount=request.amount,
                     currency=settings.currency, account=f"Refund of {original.reference}", recurring=False)
        outcome = resolver.first(key, send)
    else:
        outcome = resolver.resume(key, send)
    journal.close(key, outcome.journal_status, outcome.response, outcome.note)
    return _result(outcome.status, request, outcome.message,
                   outcome.response.id if isinstance(outcome.response, Refund) else "")


def _result(status: PaymentStatus, request: PaymentRequest, message: str, reference: str = "") -> PaymentResult:
    if status is PaymentStatus.APPROVED:
        return PaymentResult(status, reference=reference or request.attempt_key, amount=request.amount,
                             message=COMMENT)
    return PaymentResult(status, message=message)
