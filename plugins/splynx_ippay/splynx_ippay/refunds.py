"""Refunding a payment made through IPpay, booked as a linked refund in the host ledger.

Card payments are refunded with a linked ``CREDIT`` (the original sale's TransactionID and
the amount); bank-account payments with an ACH ``REVERSAL`` to the same account token (a
new transaction, so its outcome can be looked up with ENQ). Only one refund of a payment
can be in flight at a time (``ippay_transactions.open_refund`` is unique). A linked CREDIT
whose answer never came cannot be told apart from its sale by ENQ: it stays *unknown* and
an administrator settles it by hand after checking IPpay's reporting.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.gateway.transport import GatewayError, NotSent
from core.payments import PaymentStatus, new_attempt_key, to_minor_units, transition
from hostapp.host import Host
from hostapp.models import Customer, Payment, PaymentAccount, PaymentAttempt
from hostapp.models.base import ZERO
from hostapp.services.ledger import record_refund

from .charging import client_for
from .journal import Journal
from .models import IppayTransaction
from .resolver import Outcome, answered, resolver, unique
from .settings import ADDON_ID, load_settings

COMMENT = "Refund by IPpay"


class RefundError(ValueError):
    """The refund cannot be started; the message is for the administrator."""


@dataclass(frozen=True)
class RefundOutcome:
    status: PaymentStatus
    message: str


def refundable(session, payment: Payment) -> Decimal:
    """What is left to refund of ``payment`` (refunds are negative payments linked to it)."""
    refunded = session.execute(select(func.coalesce(func.sum(Payment.amount), 0))
                               .where(Payment.refund_of_id == payment.id)).scalar_one()
    return payment.amount + Decimal(refunded)


@dataclass(frozen=True)
class _Plan:
    payment_id: int
    customer_id: int
    partner_id: int
    original_key: str
    kind: str  # SALE | CHECK
    token: str
    holder: str
    ach_type: str
    account: str


class Refunds:
    """Starts, sends and books refunds of IPpay payments."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.journal = Journal(host.db)

    def _plan(self, payment_id: int, amount: Decimal) -> _Plan:
        with self.host.db.transaction() as session:
            payment = session.get(Payment, payment_id)
            if payment is None or payment.gateway != ADDON_ID or payment.amount <= ZERO or payment.refund_of_id:
                raise RefundError("Only payments made through IPpay can be refunded here.")
            left = refundable(session, payment)
            if amount <= ZERO or amount > left:
                raise RefundError(f"Enter an amount between 0.01 and {left}.")
            sale = session.execute(select(IppayTransaction).where(
                IppayTransaction.reference == payment.gateway_reference)).scalar_one_or_none()
            if sale is None:
                raise RefundError("The IPpay transaction of this payment is not in the journal.")
            token = holder = ach_type = ""
            if sale.transaction_type == "CHECK":
                attempt = session.execute(select(PaymentAttempt).where(
                    PaymentAttempt.key == payment.gateway_reference)).scalar_one_or_none()
                account = session.get(PaymentAccount, attempt.account_id) if attempt and attempt.account_id else None
                if account is None:
                    raise RefundError("The bank account of this payment is no longer saved; "
                                      "refund it by bank transfer.")
                token, holder = account.token, account.holder
                ach_type = "SAVINGS" if account.brand.lower() == "savings" else "CHECKING"
            customer = session.get(Customer, payment.customer_id)
            return _Plan(payment.id, customer.id, customer.partner_id, sale.reference, sale.transaction_type, token,
                         holder or customer.name, ach_type, sale.account)

    def refund(self, payment_id: int, amount: Decimal, *, actor: str) -> RefundOutcome:
        """Refund ``amount`` of a payment; book it when IPpay approves."""
        plan = self._plan(payment_id, amount)
        with self.host.db.transaction() as session:
            settings = load_settings(session, self.host.box, plan.partner_id)
        client = client_for(settings)
        key = new_attempt_key()
        cents = to_minor_units(amount)
        ttype = "REVERSAL" if plan.kind == "CHECK" else "CREDIT"
        try:
            self.journal.open(reference=key, transaction_type=ttype,
                              transaction_id=key if ttype == "REVERSAL" else plan.original_key,
                              customer_id=plan.customer_id, amount=amount, account=plan.account,
                              refund_of_payment_id=plan.payment_id)
        except IntegrityError:
            raise RefundError("A refund of this payment is already in progress.") from None
        if ttype == "REVERSAL":
            outcome = resolver(client).first(key, unique(lambda: client.check(
                key, cents, holder=plan.holder, ach_type=plan.ach_type, sec=settings.ach_sec, token=plan.token,
                transaction_type="REVERSAL")))
        else:
            outcome = self._credit(client, plan.original_key, cents)
        return self._finish(key, plan.payment_id, amount, outcome, actor)

    @staticmethod
    def _credit(client, original_key: str, cents: int) -> Outcome:
        try:
            return answered(client.credit(original_key, cents), "answered")
        except NotSent as exc:
            return Outcome(PaymentStatus.DECLINED, None, "IPpay could not be reached; nothing was refunded.",
                           f"not sent: {exc}")
        except GatewayError as exc:
            return Outcome(PaymentStatus.UNKNOWN, None,
                           "IPpay did not confirm the refund. Nothing was booked: check the transaction in IPpay's "
                           "reporting, then settle the refund on the customer's IPpay tab.", str(exc))

    def _finish(self, key: str, payment_id: int, amount: Decimal, outcome: Outcome, actor: str) -> RefundOutcome:
        if outcome.status is not PaymentStatus.APPROVED:
            self.journal.close(key, outcome.journal_status, outcome.response, outcome.note)
            message = outcome.message.replace("payment was declined", "refund was declined")
            return RefundOutcome(outcome.status, message)
        reference = outcome.response.transaction_id or key
        refund_id = self.book(key, payment_id, amount, reference, actor)
        self.journal.close(key, "approved", outcome.response, outcome.note, payment_id=refund_id)
        return RefundOutcome(PaymentStatus.APPROVED, f"Refunded {amount} (IPpay transaction {reference}).")

    def book(self, key: str, payment_id: int, amount: Decimal, reference: str, actor: str) -> int:
        """Book an approved refund in the ledger; a full refund marks the attempt refunded."""
        with self.host.db.transaction() as session:
            payment = session.execute(select(Payment).where(Payment.id == payment_id).with_for_update()).scalar_one()
            refund = record_refund(session, payment, amount, gateway_reference=reference[:64], comment=COMMENT,
                                   added_by=actor)
            session.flush()
            attempt = session.execute(select(PaymentAttempt).where(
                PaymentAttempt.key == payment.gateway_reference)).scalar_one_or_none()
            if attempt is not None and refundable(session, payment) == ZERO and transition(attempt.status, "refunded"):
                attempt.status = PaymentStatus.REFUNDED.value
            return refund.id

    def settle_unknown(self, reference: str, made: bool, *, actor: str) -> RefundOutcome:
        """An administrator's decision on a refund IPpay never confirmed."""
        row = self.journal.find(reference)
        if row is None or row.status != "unknown" or row.refund_of_payment_id is None:
            raise RefundError("This refund is not waiting for a decision.")
        if not made:
            self.journal.close(reference, "declined", None, f"settled by {actor}: not refunded")
            return RefundOutcome(PaymentStatus.DECLINED, "The refund was marked as not made.")
        refund_id = self.book(reference, row.refund_of_payment_id, row.amount, reference, actor)
        self.journal.close(reference, "approved", None, f"settled by {actor}: refunded", payment_id=refund_id)
        return RefundOutcome(PaymentStatus.APPROVED, f"The refund of {row.amount} was booked.")
