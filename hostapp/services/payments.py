"""Moving money through gateway add-ons: write-ahead attempts, one open attempt per document.

Flow of :meth:`PaymentService.pay`:

1. In its own DB transaction, write a *pending* :class:`PaymentAttempt` with a fresh key.
   Its ``open_target`` (``invoice:<id>``) is unique, so a second concurrent click on the
   same invoice fails here, before any gateway is called. The document shows *Pending*.
2. Call the add-on's money hook outside any DB transaction.
3. Approved: in one DB transaction the attempt, the payment, its credit line and the
   document statuses are written together. Declined: the attempt closes and the document
   is payable again. Unknown (timeout, garbage answer, exception): the attempt stays open
   and blocks new attempts until :meth:`PaymentService.reconcile` asks the gateway again
   with the same key.

Refunds take the same door (:meth:`PaymentService.refund`, with :mod:`.refunds`): the
refunded payment is locked, its refundable amount checked and a *refund* attempt written in
one transaction, and an approved refund is booked as a negative payment under its key.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.manager import AddonHooks
from core.models import ZERO, utcnow
from core.payments import (
    PaymentError,
    PaymentInProgress,
    PaymentOutcome,
    PaymentRequest,
    PaymentResult,
    PaymentStatus,
    RefundOf,
    TransitionError,
    new_attempt_key,
    transition,
)

from ..db import Database
from ..models import Customer, Payment, PaymentAccount, PaymentAttempt
from ..models.gateway import OPEN, REFUND
from .audit import record
from .bulk_rows import update_by_id
from .charge_tallies import forget_attempts
from .ledger import (
    DOCUMENTS,
    PaymentBooking,
    locked_documents,
    record_payment,
    record_payments,
    write_documents,
)
from .mail.events import MailEvent, record_events
from .payment_accounts import saved_account
from .refunds import book_refund, open_refund, refundable, refundable_many

log = logging.getLogger(__name__)


#: the customer columns :func:`payer_of` reads (a query that reads rows, not customers, selects them)
PAYER_COLUMNS = (Customer.name, Customer.email, Customer.zip_code, Customer.street, Customer.city)


def payer_of(customer: Customer) -> dict[str, str]:
    """The billing address facts gateways ask for (``customer`` may be a row of :data:`PAYER_COLUMNS`)."""
    return {"name": customer.name, "email": customer.email, "zip": customer.zip_code,
            "street": customer.street, "city": customer.city}


class PaymentService:
    """Starts, finishes and reconciles payment attempts for one database and add-on set."""

    def __init__(self, db: Database, hooks: AddonHooks) -> None:
        self.db = db
        self.hooks = hooks

    # -- start ------------------------------------------------------------------------

    def open_attempt(self, session: Session, *, gateway: str, customer_id: int, target_kind: str,
                     target_id: int | None, amount: Decimal | None, account_id: int | None = None,
                     source: str = "card", initiated_by: str = "", batch_id: int | None = None) -> PaymentAttempt:
        """Write a pending attempt (caller commits). ``amount`` ``None`` means the document's due."""
        if target_kind in DOCUMENTS:
            document = session.execute(
                select(DOCUMENTS[target_kind]).where(DOCUMENTS[target_kind].id == target_id).with_for_update()
            ).scalar_one_or_none()
            if document is None or document.customer_id != customer_id:
                raise PaymentError("This document does not exist.")
            if document.status == "pending":
                raise PaymentInProgress(f"A payment for {target_kind} {document.number} is already in progress.")
            if not document.is_payable:
                raise PaymentError(f"{target_kind.capitalize()} {document.number} is already paid.")
            amount = document.due if amount is None else amount
            if amount > document.due:
                raise PaymentError(f"The amount is more than the {document.due} due.")
            document.status = "pending"
        if amount is None or amount <= ZERO:
            raise PaymentError("Enter an amount greater than zero.")
        attempt = PaymentAttempt(
            key=new_attempt_key(), gateway=gateway, customer_id=customer_id, target_kind=target_kind,
            target_id=target_id, amount=amount, source=source, account_id=account_id,
            open_target=f"{target_kind}:{target_id}" if target_kind in DOCUMENTS else None,
            initiated_by=initiated_by, batch_id=batch_id,
        )
        session.add(attempt)
        session.flush()
        return attempt

    def pay(self, *, gateway: str, customer_id: int, target_kind: str, target_id: int | None = None,
            amount: Decimal | None = None, account_id: int | None = None, details: dict | None = None,
            source: str = "card", initiated_by: str = "", description: str = "",
            intent: str | None = None) -> PaymentOutcome:
        """Pay a document or top up the balance through ``gateway``; at most one charge per call.

        ``intent`` is the one-time key of the form that asked (see :mod:`core.gateway.intents`):
        a second call with it, at once or later, answers the first call's attempt and moves
        no money.
        """
        try:
            with self.db.transaction() as session:
                if intent and (earlier := self._by_intent(session, intent)) is not None:
                    return self.outcome_of(earlier)
                attempt = self.open_attempt(session, gateway=gateway, customer_id=customer_id,
                                            target_kind=target_kind, target_id=target_id, amount=amount,
                                            account_id=account_id, source=source, initiated_by=initiated_by)
                attempt.intent = intent or None
                session.flush()
                request = self._request(session, attempt, details or {}, description)
        except (IntegrityError, PaymentError) as exc:
            earlier = self._same_intent(intent)
            if earlier is not None:
                return earlier
            if isinstance(exc, PaymentError):
                raise
            raise PaymentInProgress("A payment for this document is already in progress.") from None
        return self.execute(attempt.id, request)

    def _same_intent(self, intent: str | None) -> PaymentOutcome | None:
        """After a unique-key clash: a parallel post of the same form gets the first post's attempt."""
        if not intent:
            return None
        with self.db.reading() as session:
            earlier = self._by_intent(session, intent)
            return self.outcome_of(earlier) if earlier is not None else None

    @staticmethod
    def _by_intent(session: Session, intent: str) -> PaymentAttempt | None:
        return session.execute(select(PaymentAttempt).where(PaymentAttempt.intent == intent)).scalar_one_or_none()

    def attempt_of_intent(self, intent: str, customer_id: int) -> PaymentOutcome | None:
        """The outcome of the customer's attempt made by one form, ``None`` if there is none."""
        with self.db.reading() as session:
            attempt = self._by_intent(session, intent)
            if attempt is None or attempt.customer_id != customer_id:
                return None
            return self.outcome_of(attempt)

    @staticmethod
    def outcome_of(attempt: PaymentAttempt) -> PaymentOutcome:
        """What an attempt stands at, in the words a page shows."""
        status = PaymentStatus(attempt.status)
        message = attempt.message
        if status is PaymentStatus.PENDING:
            message = "This payment is being processed; you will not be charged twice. Reload the page to see the result."
        amount = attempt.amount if status in (PaymentStatus.APPROVED, PaymentStatus.REFUNDED) else None
        return PaymentOutcome(attempt.id, status, message, attempt.payment_id, amount)

    def refund(self, *, gateway: str, payment_id: int, amount: Decimal, initiated_by: str,
               intent: str | None = None, reason: str = "") -> PaymentOutcome:
        """Refund ``amount`` of a payment through the gateway that took it; at most once per call.

        The payment row is locked while the refundable amount is checked and the refund
        attempt written (:func:`~hostapp.services.refunds.open_refund`), so parallel refunds can
        never give back more than was paid. ``intent`` is the refund form's one-time key, as for
        :meth:`pay`; ``reason`` is kept on the attempt and in the booked refund's comment.
        """
        try:
            with self.db.transaction() as session:
                if intent and (earlier := self._by_intent(session, intent)) is not None:
                    return self.outcome_of(earlier)
                attempt, payment = open_refund(session, gateway=gateway, payment_id=payment_id, amount=amount,
                                               initiated_by=initiated_by, intent=intent, reason=reason)
                request = self._request(session, attempt, {}, f"Refund of payment {payment.receipt_number}")
        except (IntegrityError, PaymentError) as exc:
            earlier = self._same_intent(intent)
            if earlier is not None:
                return earlier
            if isinstance(exc, PaymentError):
                raise
            raise PaymentInProgress("A refund of this payment is already in progress.") from None
        return self.execute(attempt.id, request)

    @staticmethod
    def refundable(session: Session, payment_id: int) -> Decimal:
        """The payment's amount less refunds booked (negative payments) and refunds in flight."""
        return refundable(session, payment_id)

    @staticmethod
    def refundable_many(session: Session, payments: list[Payment]) -> dict[int, Decimal]:
        """:meth:`refundable` of several payments in two queries: ``{payment id: amount}``."""
        return refundable_many(session, payments)

    def _request(self, session: Session, attempt: PaymentAttempt, details: dict, description: str) -> PaymentRequest:
        customer = session.get(Customer, attempt.customer_id)
        account = session.get(PaymentAccount, attempt.account_id) if attempt.account_id else None
        if account is not None and (account.customer_id != customer.id or account.gateway != attempt.gateway):
            raise PaymentError("This payment account does not belong to the customer.")
        refund_of = None
        if attempt.target_kind == REFUND:
            original = session.get(Payment, attempt.target_id)
            refund_of = RefundOf(original.id, original.gateway_reference or "", original.amount, attempt.source)
        return PaymentRequest(
            attempt_key=attempt.key, customer_id=customer.id, target_kind=attempt.target_kind,
            target_id=attempt.target_id, amount=attempt.amount, description=description,
            account=saved_account(account), source=attempt.source, details=details, partner_id=customer.partner_id,
            payer=payer_of(customer), refund_of=refund_of,
        )

    # -- call and finish --------------------------------------------------------------

    def execute(self, attempt_id: int, request: PaymentRequest) -> PaymentOutcome:
        """Call the gateway for a written attempt and record what it says."""
        with self.db.transaction() as session:
            gateway = session.get(PaymentAttempt, attempt_id).gateway
        hook = {"balance": self.hooks.refill_balance, REFUND: self.hooks.refund_payment}.get(
            request.target_kind, self.hooks.pay_invoice)
        try:
            result = hook(gateway, request)
        except Exception as exc:  # noqa: BLE001 - the outcome is unknown; keep the attempt open
            log.exception("gateway %s failed on attempt %s", gateway, request.attempt_key)
            result = PaymentResult.unknown(f"The payment could not be confirmed ({type(exc).__name__}). "
                                           "It is being checked; you will not be charged twice.")
        return self.finish(attempt_id, result)

    def finish(self, attempt_id: int, result: PaymentResult) -> PaymentOutcome:
        """Apply a gateway result to an attempt through the state-transition gate."""
        with self.db.transaction() as session:
            return self._apply(session, attempt_id, result)

    def resolve(self, attempt_id: int, *, charged: bool, actor: str, reason: str) -> PaymentOutcome:
        """An administrator's decision on an open attempt, after checking the gateway's own records.

        ``charged`` books it (payment, refund or top-up) as if the gateway had approved it;
        otherwise it closes as not charged. The decision and its reason go to the audit log
        in the same transaction.
        """
        reason = " ".join(reason.split())[:500]
        if not reason:
            raise PaymentError("Say why: what the gateway's records show.")
        with self.db.transaction() as session:
            attempt = session.execute(
                select(PaymentAttempt).where(PaymentAttempt.id == attempt_id).with_for_update()).scalar_one_or_none()
            if attempt is None or attempt.status not in OPEN:
                raise PaymentError("This payment attempt is not open any more.")
            verdict = "charged" if charged else "not charged"
            result = PaymentResult(PaymentStatus.APPROVED if charged else PaymentStatus.DECLINED,
                                   message=f"Resolved by {actor} as {verdict}: {reason}",
                                   method="Credit card" if attempt.source == "card" else "")
            attempt.note = attempt.note or reason[:255]
            outcome = self._apply(session, attempt_id, result)
            record(session, actor, "payment_attempt.resolved", f"payment_attempt:{attempt.key}",
                   {"gateway": attempt.gateway, "target": f"{attempt.target_kind}:{attempt.target_id}",
                    "amount": str(attempt.amount), "resolution": verdict, "reason": reason},
                   partner_id=session.get(Customer, attempt.customer_id).partner_id)
            return outcome

    def _apply(self, session: Session, attempt_id: int, result: PaymentResult) -> PaymentOutcome:
        """:meth:`finish` inside the caller's transaction."""
        attempt = session.execute(
            select(PaymentAttempt).where(PaymentAttempt.id == attempt_id).with_for_update()
        ).scalar_one()
        if not transition(attempt.status, result.status):
            return PaymentOutcome(attempt.id, result.status, attempt.message, attempt.payment_id)
        forget_attempts(session, [attempt])
        attempt.status = result.status.value
        attempt.message = result.message
        attempt.approval_code = result.approval_code
        if result.reference and attempt.target_kind != REFUND:  # a refund is known by its attempt key
            attempt.gateway_reference = result.reference
        document = self._document(session, attempt)
        if result.status is PaymentStatus.APPROVED and attempt.target_kind == REFUND:
            attempt.payment_id = book_refund(session, attempt, result)
            attempt.open_target = None
        elif result.status is PaymentStatus.APPROVED:
            attempt.payment_id = record_payment(session, _booking(attempt, result, document)).id
            attempt.open_target = None
        elif result.status is PaymentStatus.DECLINED:
            attempt.open_target = None
            _declined(document)
        record_events(session, _mail_events(attempt, document, result.status))
        booked = session.get(Payment, attempt.payment_id).amount.copy_abs() if attempt.payment_id else None
        return PaymentOutcome(attempt.id, result.status, result.message, attempt.payment_id, booked)

    def finish_many(self, session: Session, results: dict[int, PaymentResult]) -> dict[int, TransitionError]:
        """:meth:`finish` of many results (``{attempt id: result}``) in the caller's transaction.

        Results of invoice and proforma attempts (a charge batch's) are applied set-based: the
        attempts and documents are read and locked with one statement each, the payments
        booked by :func:`~hostapp.services.ledger.record_payments`, the attempts, documents and
        e-mail events written with one multi-row statement each. Any other result goes
        through :meth:`finish`'s own path in a savepoint. Returns the refused transitions
        (an attempt that already had another outcome keeps it).
        """
        refused: dict[int, TransitionError] = {}
        attempts = session.execute(select(
            PaymentAttempt.id, PaymentAttempt.key, PaymentAttempt.status, PaymentAttempt.gateway,
            PaymentAttempt.customer_id, PaymentAttempt.target_kind, PaymentAttempt.target_id, PaymentAttempt.amount,
            PaymentAttempt.gateway_reference, PaymentAttempt.open_target, PaymentAttempt.payment_id,
            PaymentAttempt.initiated_by, PaymentAttempt.batch_id,
        ).where(PaymentAttempt.id.in_(results)).order_by(PaymentAttempt.id).with_for_update()).all()
        documents = {(kind, document.id): document for kind in DOCUMENTS
                     for document in locked_documents(session, kind, [a.target_id for a in attempts
                                                                      if a.target_kind == kind]).values()}
        changing, one_by_one = [], []
        for attempt in attempts:
            document = documents.get((attempt.target_kind, attempt.target_id))
            if document is None or document.customer_id != attempt.customer_id:
                one_by_one.append(attempt.id)
                continue
            try:
                if transition(attempt.status, results[attempt.id].status):
                    changing.append((attempt, results[attempt.id], document))
            except TransitionError as exc:
                refused[attempt.id] = exc
        approved = [change for change in changing if change[1].status is PaymentStatus.APPROVED]
        payment_ids = dict(zip((attempt.id for attempt, _, _ in approved), record_payments(
            session, [_booking(attempt, result, document) for attempt, result, document in approved])))
        rows, events = [], []
        for attempt, result, document in changing:
            closed = result.status in (PaymentStatus.APPROVED, PaymentStatus.DECLINED)
            if result.status is PaymentStatus.DECLINED:
                _declined(document)
            rows.append({"id": attempt.id, "status": result.status.value, "message": result.message,
                         "approval_code": result.approval_code,
                         "gateway_reference": result.reference or attempt.gateway_reference,
                         "payment_id": payment_ids.get(attempt.id, attempt.payment_id),
                         "open_target": None if closed else attempt.open_target, "updated_at": utcnow()})
            events += _mail_events(attempt, document, result.status, payment_ids.get(attempt.id))
        if rows:
            forget_attempts(session, [attempt for attempt, _, _ in changing])
            write_documents(session, [document for _, _, document in changing])
            update_by_id(session, PaymentAttempt, rows)
            record_events(session, events)
        for attempt_id in one_by_one:
            try:
                with session.begin_nested():
                    self._apply(session, attempt_id, results[attempt_id])
            except TransitionError as exc:
                refused[attempt_id] = exc
        return refused

    @staticmethod
    def _document(session: Session, attempt: PaymentAttempt):
        model = DOCUMENTS.get(attempt.target_kind)
        return session.get(model, attempt.target_id) if model else None

    # -- reconcile ------------------------------------------------------------------

    def reconcile(self, attempt_id: int) -> PaymentOutcome:
        """Ask the gateway again with the same key (the hook contract makes this safe)."""
        with self.db.transaction() as session:
            attempt = session.get(PaymentAttempt, attempt_id)
            if attempt.status not in ("pending", "unknown"):
                return PaymentOutcome(attempt.id, PaymentStatus(attempt.status), attempt.message, attempt.payment_id)
            request = self._request(session, attempt, {}, "")
        return self.execute(attempt_id, request)

    def reconcile_key(self, attempt_key: str) -> PaymentOutcome:
        """:meth:`reconcile` the attempt with this key."""
        with self.db.reading() as session:
            attempt_id = session.execute(select(PaymentAttempt.id).where(PaymentAttempt.key == attempt_key)).scalar_one_or_none()
        if attempt_id is None:
            raise PaymentError("No payment attempt has this key.")
        return self.reconcile(attempt_id)


def _booking(attempt, result: PaymentResult, document) -> PaymentBooking:
    """The payment an approved result of ``attempt`` books (``document``: what the attempt pays, if any)."""
    return PaymentBooking(
        customer_id=attempt.customer_id, amount=result.amount or attempt.amount + result.fee,
        fee=result.fee, fee_category=result.fee_category,
        method=result.method or "Credit card",
        invoice=document if attempt.target_kind == "invoice" else None,
        proforma=document if attempt.target_kind == "proforma" else None,
        comment=result.message or f"Pay by {attempt.gateway}", gateway=attempt.gateway,
        gateway_reference=result.reference or attempt.key, approval_code=result.approval_code,
        fields=result.fields, added_by=attempt.initiated_by or "system",
        allocate_surplus=attempt.target_kind == "balance",
    )


def _declined(document) -> None:
    """A declined charge makes its document payable again."""
    if document is not None and document.status == "pending":
        document.status = "not_paid"


def _mail_events(attempt, document, status: PaymentStatus, payment_id: int | None = None) -> list[MailEvent]:
    """The customer's e-mail about an attempt's end, queued in its booking transaction (if the partner sends it)."""
    payment_id = payment_id or attempt.payment_id
    event_key = f"payment:{attempt.key}"
    about = {"document_kind": document.kind, "document_id": document.id} if document is not None else {}
    if attempt.target_kind == REFUND:
        if status is PaymentStatus.APPROVED:
            return [MailEvent("refund_made", attempt.customer_id, "send_on_refund", event_key, payment_id=payment_id)]
    elif status is PaymentStatus.APPROVED:
        return [MailEvent("payment_received", attempt.customer_id,
                          "send_on_charge" if attempt.batch_id else "send_on_payment", event_key,
                          payment_id=payment_id, **about)]
    elif status is PaymentStatus.DECLINED and attempt.batch_id and document is not None:
        return [MailEvent("payment_failed", attempt.customer_id, "send_on_charge", event_key, **about)]
    return []
