"""Refunding a payment made through IPpay: what ``splynx_refund_payment`` sends and answers.

The host's payment service owns the refund: it locks the payment, checks what is left to
refund, writes a refund attempt (one refund of a payment in flight at a time), calls the
hook, and books an approval as a negative payment linked to the original. This module only
talks to IPpay and keeps the journal:

* card payments are refunded with a linked ``CREDIT`` (the original sale's TransactionID
  and the amount; IPpay echoes the *sale's* TransactionID in the answer);
* bank-account payments with an ACH ``REVERSAL`` to the same account token, a new
  transaction under the refund attempt's key, so its outcome can be looked up with ENQ.

Called again with the same attempt key (the reconciler, or after an administrator settled
an unconfirmed CREDIT), the journal answers: a REVERSAL is looked up with ENQ; a linked
CREDIT whose answer never came cannot be told apart from its sale by ENQ, so it stays
*unknown* until an administrator checks IPpay's reporting and settles it.
"""

from __future__ import annotations

from core.gateway.transport import GatewayError, NotSent
from core.host import Host
from core.payments import PaymentRequest, PaymentResult, PaymentStatus, to_minor_units

from .charging import client_for
from .journal import Journal
from .resolver import Outcome, answered, resolver, unique
from .settings import load_settings

COMMENT = "Refund by IPpay"
SETTLED_MADE = "settled: refunded"


class RefundError(ValueError):
    """The refund cannot be settled; the message is for the administrator."""


def refund(host: Host, request: PaymentRequest) -> PaymentResult:
    """Send (or look up) the refund of attempt ``request.attempt_key``."""
    journal = Journal(host.db)
    row = journal.find(request.attempt_key)
    if row is not None and row.status in ("approved", "declined"):
        return _result(PaymentStatus(row.status), request, row.gateway_transaction_id, row.note)
    with host.db.transaction() as session:
        settings = load_settings(host, session, request.partner_id)
    client = client_for(settings)
    key, original = request.attempt_key, request.refund_of
    sale = journal.find(original.reference)
    if sale is None:
        return PaymentResult.declined("The IPpay transaction of this payment is not in the journal.")
    cents = to_minor_units(request.amount)
    if sale.transaction_type == "CHECK":
        account = request.account
        if account is None:
            return PaymentResult.declined("The bank account of this payment is no longer saved; "
                                          "refund it by bank transfer.")

        def send():
            return client.check(key, cents, holder=account.holder or request.payer.get("name", ""),
                                ach_type="SAVINGS" if account.brand.lower() == "savings" else "CHECKING",
                                sec=settings.ach_sec, token=account.token, transaction_type="REVERSAL")
        if row is None:
            journal.open(reference=key, transaction_type="REVERSAL", transaction_id=key,
                         customer_id=request.customer_id, amount=request.amount, account=sale.account,
                         refund_of_payment_id=original.payment_id)
            outcome = resolver(client).first(key, unique(send))
        else:
            outcome = resolver(client).resume(key, unique(send))
    elif row is None:
        journal.open(reference=key, transaction_type="CREDIT", transaction_id=original.reference,
                     customer_id=request.customer_id, amount=request.amount, account=sale.account,
                     refund_of_payment_id=original.payment_id)
        outcome = _credit(client, original.reference, cents)
    else:
        return PaymentResult.unknown(UNCONFIRMED)
    journal.close(key, outcome.journal_status, outcome.response, outcome.note)
    reference = outcome.response.transaction_id if outcome.response is not None else ""
    return _result(outcome.status, request, reference, outcome.message)


UNCONFIRMED = ("IPpay did not confirm the refund. Nothing was booked: check the transaction in IPpay's "
               "reporting, then settle the refund on the customer's IPpay tab.")


def _credit(client, original_key: str, cents: int) -> Outcome:
    try:
        return answered(client.credit(original_key, cents), "answered")
    except NotSent as exc:
        return Outcome(PaymentStatus.DECLINED, None, "IPpay could not be reached; nothing was refunded.",
                       f"not sent: {exc}")
    except GatewayError as exc:
        return Outcome(PaymentStatus.UNKNOWN, None, UNCONFIRMED, str(exc))


def _result(status: PaymentStatus, request: PaymentRequest, reference: str, message: str) -> PaymentResult:
    if status is PaymentStatus.APPROVED:
        return PaymentResult(status, reference=reference or request.attempt_key, amount=request.amount,
                             message=COMMENT)
    return PaymentResult(status, message=message.replace("payment was declined", "refund was declined"))


def settle_unknown(host: Host, reference: str, made: bool, *, actor: str):
    """An administrator's decision on a refund IPpay never confirmed; the host then books it (or not).

    The decision is written to the journal and the host asks the hook again with the
    refund's attempt key, which now answers with the decision.
    """
    journal = Journal(host.db)
    row = journal.find(reference)
    if row is None or row.status not in ("sent", "unknown") or row.refund_of_payment_id is None:
        raise RefundError("This refund is not waiting for a decision.")
    journal.close(reference, "approved" if made else "declined", None,
                  f"{SETTLED_MADE if made else 'settled: not refunded'} by {actor}")
    return host.payments.reconcile_key(reference)
