"""Refunding a payment made through IPpay: what ``splynx_refund_payment`` sends and answers.

The host's payment service owns the refund: it locks the payment, checks what is left to
refund, writes a refund attempt (one refund of a payment in flight at a time), calls the
hook, and books an approval as a negative payment linked to the original. This module only
talks to IPpay and keeps the journal. Three ways to give money back:

* a **card** payment whose sale is in the journal: a linked ``CREDIT`` (the original sale's
  TransactionID and the amount; IPpay echoes the *sale's* TransactionID in the answer);
* a card payment whose sale cannot be linked (not in the journal, e.g. booked before the
  add-on kept one) but whose card is still saved: an unlinked ``CREDIT`` by token, a new
  transaction under the refund attempt's key;
* a **bank-account** payment: an ACH ``REVERSAL`` to the same account token, also a new
  transaction under the refund attempt's key.

A new transaction under its own key is settled like a payment (:mod:`core.gateway.resolver`):
a lost answer is looked up with ENQ, a re-send with the same TransactionID is refused as a
duplicate. Called again with the same attempt key (the reconciler, or after an administrator
settled an unconfirmed CREDIT), the journal answers first. A linked CREDIT whose answer never
came cannot be told apart from its sale by ENQ, so it stays *unknown* until an administrator
checks IPpay's reporting and settles it (here, or on Finance → Payment attempts).
"""

from __future__ import annotations

from collections.abc import Callable

from core.gateway.transport import GatewayError, NotSent
from core.host import Host
from core.payments import PaymentRequest, PaymentResult, PaymentStatus, to_minor_units

from .charging import client_for
from .client import IppayClient
from .journal import Journal
from .models import IppayTransaction
from .protocol import Response
from .resolver import Outcome, answered, resolver, unique
from .settings import IppaySettings, load_settings

COMMENT = "Refund by IPpay"
SETTLED_MADE = "settled: refunded"
UNCONFIRMED = ("IPpay did not confirm the refund. Nothing was booked: check the transaction in IPpay's "
               "reporting, then settle the refund on the customer's IPpay tab or on Finance → Payment attempts.")


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
    if row is not None and row.transaction_type == "CREDIT" and row.transaction_id != request.attempt_key:
        return PaymentResult.unknown(UNCONFIRMED)  # a linked CREDIT sent before: only an administrator can tell
    sale = journal.find(request.refund_of.reference)
    if row is None and sale is not None and sale.transaction_type != "CHECK":
        journal.open(reference=request.attempt_key, transaction_type="CREDIT", transaction_id=sale.transaction_id,
                     customer_id=request.customer_id, amount=request.amount, account=sale.account,
                     refund_of_payment_id=request.refund_of.payment_id)
        outcome = _linked_credit(client, sale.transaction_id, to_minor_units(request.amount))
    else:
        send = _new_transaction(client, settings, request, sale)
        if send is None and row is None:
            return PaymentResult.declined("The card or bank account of this payment is no longer saved; "
                                          "refund it by bank transfer.")
        outcome = _keyed(journal, client, request, row, sale, send)
    journal.close(request.attempt_key, outcome.journal_status, outcome.response, outcome.note)
    reference = outcome.response.transaction_id if outcome.response is not None else ""
    return _result(outcome.status, request, reference, outcome.message)


def _new_transaction(client: IppayClient, settings: IppaySettings, request: PaymentRequest,
                     sale: IppayTransaction | None) -> tuple[str, Callable[[], Response]] | None:
    """(type, send) of a refund under its own key: REVERSAL to a bank account, unlinked CREDIT by card token."""
    account, key = request.account, request.attempt_key
    cents = to_minor_units(request.amount)
    bank = sale.transaction_type == "CHECK" if sale is not None else request.refund_of.source == "bank"
    if account is None or account.kind != ("bank" if bank else "card"):
        return None
    if bank:
        return "REVERSAL", lambda: client.check(
            key, cents, holder=account.holder or request.payer.get("name", ""),
            ach_type="SAVINGS" if account.brand.lower() == "savings" else "CHECKING", sec=settings.ach_sec,
            token=account.token, transaction_type="REVERSAL")
    return "CREDIT", lambda: client.credit_by_token(key, account.token, cents)


def _keyed(journal: Journal, client: IppayClient, request: PaymentRequest, row: IppayTransaction | None,
           sale: IppayTransaction | None, send: tuple[str, Callable[[], Response]] | None) -> Outcome:
    """Send a refund transaction under the attempt key, or resume it: ENQ first, never twice.

    Sent before and its account forgotten since, it can only be looked up (ENQ).
    """
    key = request.attempt_key
    if row is not None:
        return resolver(client).resume(key, unique(send[1])) if send else resolver(client).settle(key)
    transaction_type, post = send
    journal.open(reference=key, transaction_type=transaction_type, transaction_id=key, customer_id=request.customer_id,
                 amount=request.amount, account=sale.account if sale is not None else _label(request),
                 refund_of_payment_id=request.refund_of.payment_id)
    return resolver(client).first(key, unique(post))


def _label(request: PaymentRequest) -> str:
    account = request.account
    return f"{account.brand or account.kind} …{account.last4}" if account is not None else ""


def _linked_credit(client: IppayClient, sale_transaction_id: str, cents: int) -> Outcome:
    try:
        return answered(client.credit(sale_transaction_id, cents), "answered")
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
