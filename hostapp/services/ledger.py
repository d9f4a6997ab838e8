"""The ledger: every balance change is a transaction line written with the document it belongs to.

* :func:`issue_invoice` books a debit (the balance falls by the invoice total).
* :func:`record_payment` books a payment and its credit line (plus a debit line for a
  gateway service fee, if any) in the caller's DB transaction: the named invoice or proforma first, then (for balance payments) the
  customer's unpaid invoices oldest first; what is left stays on the balance. It is
  idempotent by ``(gateway, gateway_reference)``.
* :func:`record_payments` books many payments of one document each with a few multi-row
  statements (the charge batches' path): the same rows as :func:`record_payment`.
* :func:`record_refund` books a negative payment and a debit line linked to the original.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..models import (
    Customer,
    Invoice,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    ProformaInvoice,
    Transaction,
    TransactionCategory,
)
from core.models import ZERO
from .bulk_rows import insert_rows, inserted_ids, update_by_id
from .numbering import receipt_number, receipt_numbers
from .mail.events import record_event


#: the documents payments are allocated to, by kind
DOCUMENTS = {"invoice": Invoice, "proforma": ProformaInvoice}


class LedgerError(ValueError):
    """A booking that would break the ledger's rules; nothing was written."""


#: ``session.info`` key of the reference-data ids (categories, methods) a booking looked up
REFERENCE_IDS = "ledger.reference_ids"


def reference_ids(session: Session) -> dict:
    """The ids of ledger categories and payment methods known to this session's bookings.

    A caller booking many payments (a charge batch) puts one dict in every session's
    ``info`` under :data:`REFERENCE_IDS`, so each name is looked up once per batch; otherwise
    it lives as long as the session. Any rollback empties it (an id it held may be gone).
    """
    return session.info.setdefault(REFERENCE_IDS, {})


@event.listens_for(Session, "after_soft_rollback")
def _forget_reference_ids(session: Session, _previous) -> None:
    if REFERENCE_IDS in session.info:
        session.info[REFERENCE_IDS].clear()


def category_id(session: Session, name: str) -> int:
    """The id of the ledger category ``name``, created if it does not exist."""
    known = reference_ids(session)
    found = known.get(("category", name))
    if found is None:
        found = session.execute(select(TransactionCategory.id).where(TransactionCategory.name == name)).scalar()
        if found is None:
            created = TransactionCategory(name=name)
            session.add(created)
            session.flush()
            found = created.id
        known["category", name] = found
    return found


def payment_method_id(session: Session, name: str) -> int:
    """The id of the payment method ``name``; :class:`LedgerError` if there is none."""
    known = reference_ids(session)
    found = known.get(("method", name))
    if found is None:
        found = session.execute(select(PaymentMethod.id).where(PaymentMethod.name == name)).scalar()
        if found is None:
            raise LedgerError(f"payment method {name!r} does not exist (Config → Finance → Payment methods)")
        known["method", name] = found
    return found


def _locked_customer(session: Session, customer_id: int) -> Customer:
    return session.execute(select(Customer).where(Customer.id == customer_id).with_for_update()).scalar_one()


def _moved(balance: Decimal, kind: str, amount: Decimal) -> Decimal:
    """The balance after a ledger line of ``kind`` (a credit raises it, a debit lowers it)."""
    return (balance + (amount if kind == "credit" else -amount)).quantize(Decimal("0.01"))


def _post(session: Session, customer: Customer, kind: str, amount: Decimal, category_name: str,
          description: str, on: date, **links) -> Transaction:
    """Write one ledger line and move the (locked) customer's balance with it."""
    customer.balance = _moved(customer.balance, kind, amount)
    line = Transaction(customer_id=customer.id, type=kind, date=on, category_id=category_id(session, category_name),
                       description=description, total=amount, balance_after=customer.balance, **links)
    session.add(line)
    return line


def issue_invoice(session: Session, invoice: Invoice, on: date | None = None) -> Transaction:
    """Debit the customer for a new invoice (call after the invoice and its items are added).

    The "new invoice" e-mail is queued in the same transaction when the partner sends it.
    """
    session.flush()
    customer = _locked_customer(session, invoice.customer_id)
    line = _post(session, customer, "debit", invoice.total, "Service", f"Invoice {invoice.number}",
                 on or invoice.date_created, invoice_id=invoice.id, source="auto")
    record_event(session, "invoice_new", customer.id, setting="send_on_invoice", event_key=f"invoice_new:{invoice.id}",
                 document=invoice)
    return line


@dataclass
class PaymentBooking:
    """What to book: the amount, who pays, how, and what it pays."""

    customer_id: int
    amount: Decimal
    method: str
    invoice: Invoice | None = None
    proforma: ProformaInvoice | None = None
    comment: str = ""
    note: str = ""
    gateway: str | None = None
    gateway_reference: str | None = None
    approval_code: str = ""
    fields: tuple[str, ...] = ()
    added_by: str = "system"
    description: str = ""
    on: date = field(default_factory=date.today)
    #: pay the customer's other unpaid invoices (oldest first) with what is left
    allocate_surplus: bool = True
    #: the part of ``amount`` that is a gateway service fee: booked as a debit line, not allocated
    fee: Decimal = ZERO
    fee_category: str = ""


def _check(booking: PaymentBooking) -> None:
    if booking.amount <= ZERO or not ZERO <= booking.fee < booking.amount:
        raise LedgerError("a payment amount must be positive and larger than its fee")


def _payment_columns(booking: PaymentBooking, method_id: int, receipt: str) -> dict:
    """The columns of the payment row a booking writes."""
    gateway_fields = list(booking.fields)[:5] + [""] * (5 - min(len(booking.fields), 5))
    return dict(
        customer_id=booking.customer_id, invoice_id=booking.invoice.id if booking.invoice else None,
        proforma_id=booking.proforma.id if booking.proforma else None, payment_method_id=method_id,
        receipt_number=receipt, date=booking.on, amount=booking.amount, comment=booking.comment, note=booking.note,
        gateway=booking.gateway, gateway_reference=booking.gateway_reference, approval_code=booking.approval_code,
        added_by=booking.added_by, **{f"field_{i + 1}": v[:128] for i, v in enumerate(gateway_fields)},
    )


def record_payment(session: Session, booking: PaymentBooking) -> Payment:
    """Book a payment, its credit line and its allocations; return the existing one on a repeat."""
    _check(booking)
    if booking.gateway and booking.gateway_reference:
        existing = session.execute(
            select(Payment).where(Payment.gateway == booking.gateway,
                                  Payment.gateway_reference == booking.gateway_reference)
        ).scalar_one_or_none()
        if existing is not None:
            return existing
    customer = _locked_customer(session, booking.customer_id)
    method_id = payment_method_id(session, booking.method)
    payment = Payment(**_payment_columns(booking, method_id, receipt_number(session, method_id, booking.on)))
    session.add(payment)
    session.flush()
    remaining = booking.amount - booking.fee
    if booking.proforma is not None:
        remaining = _settle(session, payment, booking.proforma, remaining)
    if booking.invoice is not None:
        remaining = _settle(session, payment, booking.invoice, remaining)
    if remaining > ZERO and booking.allocate_surplus:
        for invoice in _unpaid_invoices(session, customer.id):
            if remaining <= ZERO:
                break
            remaining = _settle(session, payment, invoice, remaining)
    description = booking.description or _describe(booking)
    _post(session, customer, "credit", booking.amount, "Payment", description, booking.on,
          payment_id=payment.id, invoice_id=payment.invoice_id, comment=booking.comment)
    if booking.fee > ZERO:
        _post(session, customer, "debit", booking.fee, booking.fee_category or "Service",
              f"Service fee of payment {payment.receipt_number}", booking.on, payment_id=payment.id,
              comment=booking.comment)
    return payment


def record_payments(session: Session, bookings: list[PaymentBooking]) -> list[int]:
    """:func:`record_payment` of many bookings at once; the payments' ids in the bookings' order.

    Each booking pays exactly one document and allocates no surplus (a charge batch's
    bookings). The documents are the caller's: objects with ``kind``, ``id``, ``number``,
    ``status``, ``due`` and ``date_payment`` (ORM rows or :class:`DocumentState`), read and
    locked by the caller, who also writes them back (:func:`write_documents`). Customers are
    locked with one statement; receipt numbers come with one statement per payment method;
    payments, allocations, ledger lines and balances are written with one multi-row statement
    each. A booking booked already (same gateway and reference) gets that payment's id, as
    with :func:`record_payment`.
    """
    for booking in bookings:
        _check(booking)
        if booking.allocate_surplus or (booking.invoice is None) == (booking.proforma is None):
            raise LedgerError("a booking of several payments pays exactly one document each, nothing else")
    ids = _booked_already(session, bookings)
    new = [(index, booking) for index, booking in enumerate(bookings) if ids[index] is None]
    if not new:
        return ids
    balances = dict(session.execute(select(Customer.id, Customer.balance).where(
        Customer.id.in_({booking.customer_id for _, booking in new})).order_by(Customer.id).with_for_update()).all())
    methods = {booking.method: payment_method_id(session, booking.method) for _, booking in new}
    receipts = {(method_id, on): iter(receipt_numbers(session, method_id, on, count)) for (method_id, on), count
                in Counter((methods[booking.method], booking.on) for _, booking in new).items()}
    rows = [_payment_columns(booking, methods[booking.method], next(receipts[methods[booking.method], booking.on]))
            for _, booking in new]
    payment_ids = inserted_ids(session, Payment, rows)
    allocations, lines = [], []
    for (index, booking), payment_id, row in zip(new, payment_ids, rows):
        ids[index] = payment_id
        document = booking.invoice or booking.proforma
        applied = _apply(document, booking.amount - booking.fee, booking.on)
        if applied:
            allocations.append({"payment_id": payment_id, "amount": applied, "invoice_id": None, "proforma_id": None,
                                **_link(document)})
        line = dict(customer_id=booking.customer_id, date=booking.on, payment_id=payment_id,
                    comment=booking.comment)
        balances[booking.customer_id] = _moved(balances[booking.customer_id], "credit", booking.amount)
        lines.append(dict(line, type="credit", total=booking.amount, category_id=category_id(session, "Payment"),
                          description=booking.description or _describe(booking), invoice_id=row["invoice_id"],
                          balance_after=balances[booking.customer_id]))
        if booking.fee > ZERO:
            balances[booking.customer_id] = _moved(balances[booking.customer_id], "debit", booking.fee)
            lines.append(dict(line, type="debit", total=booking.fee,
                              category_id=category_id(session, booking.fee_category or "Service"),
                              description=f"Service fee of payment {row['receipt_number']}", invoice_id=None,
                              balance_after=balances[booking.customer_id]))
    insert_rows(session, PaymentAllocation, allocations)
    insert_rows(session, Transaction, lines)
    update_by_id(session, Customer, [{"id": customer_id, "balance": balance} for customer_id, balance in balances.items()])
    return ids


def _booked_already(session: Session, bookings: list[PaymentBooking]) -> list[int | None]:
    """The id of the payment each booking's gateway reference has booked already, else ``None``."""
    references = {(b.gateway, b.gateway_reference) for b in bookings if b.gateway and b.gateway_reference}
    found = {}
    if references:
        found = {(gateway, reference): payment_id for payment_id, gateway, reference in session.execute(select(
            Payment.id, Payment.gateway, Payment.gateway_reference).where(
            Payment.gateway.in_({gateway for gateway, _ in references}),
            Payment.gateway_reference.in_({reference for _, reference in references})))}
    return [found.get((b.gateway, b.gateway_reference)) for b in bookings]


@dataclass
class DocumentState:
    """What a booking reads and changes of an invoice or proforma, without loading the ORM row."""

    kind: str
    id: int
    number: str
    customer_id: int
    status: str
    due: Decimal
    date_payment: date | None


def locked_documents(session: Session, kind: str, ids) -> dict[int, DocumentState]:
    """The documents of one kind with these ids, locked until the caller's transaction ends."""
    model = DOCUMENTS[kind]
    rows = session.execute(select(model.id, model.number, model.customer_id, model.status, model.due,
                                  model.date_payment).where(model.id.in_(set(ids))).order_by(model.id).with_for_update())
    return {row.id: DocumentState(kind, *row) for row in rows}


def write_documents(session: Session, documents: list[DocumentState]) -> None:
    """Write the status, due and payment date of documents back, one statement per kind."""
    for kind, model in DOCUMENTS.items():
        rows = [{"id": d.id, "status": d.status, "due": d.due, "date_payment": d.date_payment}
                for d in documents if d.kind == kind]
        if rows:
            update_by_id(session, model, rows)


def _describe(booking: PaymentBooking) -> str:
    if booking.invoice is not None:
        return f"Payment for invoice {booking.invoice.number}"
    if booking.proforma is not None:
        return f"Payment for proforma invoice {booking.proforma.number}"
    return booking.comment or "Payment"


def _unpaid_invoices(session: Session, customer_id: int) -> list[Invoice]:
    return list(session.execute(
        select(Invoice).where(Invoice.customer_id == customer_id, Invoice.status.in_(("not_paid",)),
                              Invoice.due > 0)
        .order_by(Invoice.date_created, Invoice.id).with_for_update()
    ).scalars())


def _settle(session: Session, payment: Payment, document, available: Decimal) -> Decimal:
    """Apply up to ``available`` to a document (never overpaying it); return what is left."""
    applied = _apply(document, available, payment.date)
    if applied:
        session.add(PaymentAllocation(payment_id=payment.id, amount=applied, **_link(document)))
    return available - applied


def _apply(document, available: Decimal, on: date) -> Decimal:
    """Lower a payable document's due by up to ``available``, its status with it; the amount applied."""
    if document.status not in ("not_paid", "pending") or document.due <= ZERO:
        return ZERO
    applied = min(available, document.due)
    document.due -= applied
    if document.due == ZERO:
        document.status = "paid"
        document.date_payment = on
    elif document.status == "pending":
        document.status = "not_paid"
    return applied


def _link(document) -> dict:
    return {"invoice_id": document.id} if document.kind == "invoice" else {"proforma_id": document.id}


def record_refund(session: Session, original: Payment, amount: Decimal, *, gateway_reference: str,
                  comment: str, added_by: str) -> Payment:
    """Book a refund of (part of) a payment: a negative payment and a debit line, both linked."""
    refunded = sum((-p.amount for p in session.execute(
        select(Payment).where(Payment.refund_of_id == original.id)).scalars()), ZERO)
    if amount <= ZERO or amount + refunded > original.amount:
        raise LedgerError(f"refund of {amount} exceeds the refundable {original.amount - refunded}")
    customer = _locked_customer(session, original.customer_id)
    on = date.today()
    refund = Payment(
        customer_id=customer.id, payment_method_id=original.payment_method_id,
        receipt_number=receipt_number(session, original.payment_method_id, on), date=on, amount=-amount,
        comment=comment, gateway=original.gateway, gateway_reference=gateway_reference,
        refund_of_id=original.id, added_by=added_by,
    )
    session.add(refund)
    session.flush()
    _post(session, customer, "debit", amount, "Refund", f"Refund of payment {original.receipt_number}", on,
          payment_id=refund.id, comment=comment)
    return refund
