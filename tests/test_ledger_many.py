"""Booking many results at once writes what booking them one at a time writes.

:func:`record_payments` and :meth:`PaymentService.finish_many` are the set-based paths of
charge batches; each test books one customer's documents one at a time and an identical
customer's set-based, and compares every row written (ids, numbers and keys aside).
"""

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.payments import PaymentResult, PaymentStatus
from hostapp.models import (
    Customer,
    Invoice,
    MailMessage,
    ModuleSetting,
    Payment,
    PaymentAllocation,
    PaymentAttempt,
    Transaction,
)
from hostapp.services.ledger import (
    LedgerError,
    PaymentBooking,
    locked_documents,
    record_payment,
    record_payments,
    write_documents,
)
from hostapp.services.mail.settings import NAMESPACE
from hostapp.services.settings_store import DEFAULT_PARTNER


def documents_of(factory, customer):
    return [factory.invoice(customer, "30.00"), factory.invoice(customer, "20.00"), factory.proforma(customer, "50.00")]


def bookings(customer, documents, tag: str) -> list[PaymentBooking]:
    """A payment with a gateway fee, a partial payment and a proforma paid in full."""
    full, partial, proforma = documents
    return [
        PaymentBooking(customer_id=customer.id, amount=Decimal("30.60"), fee=Decimal("0.60"), fee_category="Gateway fee",
                       method="Credit card", invoice=full, gateway="g", gateway_reference=f"{tag}-1",
                       fields=("a", "b"), comment="Pay by g", allocate_surplus=False),
        PaymentBooking(customer_id=customer.id, amount=Decimal("5.00"), method="Credit card", invoice=partial,
                       gateway="g", gateway_reference=f"{tag}-2", allocate_surplus=False),
        PaymentBooking(customer_id=customer.id, amount=Decimal("50.00"), method="Cash", proforma=proforma,
                       gateway="g", gateway_reference=f"{tag}-3", allocate_surplus=False),
    ]


def snapshot(session, customer_id: int, documents) -> dict:
    """Every row a booking writes for a customer, with ids, numbers and references left out."""
    numbers = {document.number: f"<{n}>" for n, document in enumerate(documents)}

    def plain(text: str) -> str:
        for number, name in numbers.items():
            text = text.replace(number, name)
        return text

    payments = session.execute(select(Payment).where(Payment.customer_id == customer_id)
                               .order_by(Payment.id)).scalars().all()
    position = {payment.id: n for n, payment in enumerate(payments)}
    receipts = {payment.receipt_number: f"<receipt {n}>" for n, payment in enumerate(payments)}
    lines = session.execute(select(Transaction).where(Transaction.customer_id == customer_id)
                            .order_by(Transaction.id)).scalars().all()
    allocations = session.execute(select(PaymentAllocation).where(PaymentAllocation.payment_id.in_(position))
                                  .order_by(PaymentAllocation.id)).scalars().all()
    return {
        "balance": session.get(Customer, customer_id).balance,
        "payments": [(p.amount, p.method.name, p.comment, p.approval_code, p.added_by, p.date, p.field_1, p.field_2,
                      p.invoice_id is not None, p.proforma_id is not None) for p in payments],
        "lines": [(t.type, t.total, t.balance_after, t.category.name, plain(t.description).replace(
            *next(((r, name) for r, name in receipts.items() if r in t.description), ("", ""))),
            t.comment, position.get(t.payment_id), t.invoice_id is not None, t.date) for t in lines],
        "allocations": [(position[a.payment_id], a.amount, a.invoice_id is not None) for a in allocations],
        "documents": [(d.status, d.due, d.date_payment) for d in (
            session.get(type(document), document.id) for document in documents)],
    }


def test_record_payments_writes_what_record_payment_writes(host, factory):
    one, many = factory.customer(), factory.customer()
    one_documents, many_documents = documents_of(factory, one), documents_of(factory, many)
    with host.db.transaction() as s:
        for booking in bookings(one, [s.get(type(d), d.id) for d in one_documents], "one"):
            record_payment(s, booking)
    with host.db.transaction() as s:
        states = {(d.kind, d.id): state for d in many_documents
                  for state in locked_documents(s, d.kind, [d.id]).values()}
        documents = [states[d.kind, d.id] for d in many_documents]
        ids = record_payments(s, bookings(many, documents, "many"))
        write_documents(s, documents)
    with host.db.reading() as s:
        assert len(set(ids)) == 3
        assert snapshot(s, many.id, many_documents) == snapshot(s, one.id, one_documents)


def test_a_booking_booked_already_gets_its_payment_and_books_nothing(host, factory):
    customer = factory.customer()
    invoice = factory.invoice(customer, "30.00")
    booking = dict(customer_id=customer.id, amount=Decimal("30.00"), method="Cash", gateway="g",
                   gateway_reference="TX1", allocate_surplus=False)
    with host.db.transaction() as s:
        first = record_payment(s, PaymentBooking(invoice=s.get(Invoice, invoice.id), **booking)).id
    with host.db.transaction() as s:
        document = locked_documents(s, "invoice", [invoice.id])[invoice.id]
        assert record_payments(s, [PaymentBooking(invoice=document, **booking)]) == [first]
    with host.db.reading() as s:
        assert s.get(Customer, customer.id).balance == Decimal("0.00")
        assert len(s.execute(select(Transaction).where(Transaction.payment_id == first)).all()) == 1


def test_record_payments_pays_one_document_each_and_nothing_else(host, factory):
    customer = factory.customer()
    with host.db.transaction() as s, pytest.raises(LedgerError):
        record_payments(s, [PaymentBooking(customer_id=customer.id, amount=Decimal("5.00"), method="Cash")])


def send_charge_mail(host) -> None:
    """Config → Main → Email set up, so charge results queue their e-mails."""
    with host.db.transaction() as s:
        for key, value in (("smtp_host", '"127.0.0.1"'), ("sender_address", '"billing@example.net"')):
            s.add(ModuleSetting(addon_id=NAMESPACE, partner_id=DEFAULT_PARTNER, key=key, value=value))


def results(tag: str) -> tuple[PaymentResult, ...]:
    """An approval with a fee, a decline and an unknown outcome."""
    return (PaymentResult(PaymentStatus.APPROVED, reference=f"REF-{tag}", approval_code="A1", message="Approved",
                          fee=Decimal("0.60"), fee_category="Gateway fee", fields=("x",)),
            PaymentResult.declined("Card declined"),
            PaymentResult.unknown("Timeout"))


def attempts_on(host, customer, invoices) -> list[int]:
    with host.db.transaction() as s:
        return [host.payments.open_attempt(s, gateway="g", customer_id=customer.id, target_kind="invoice",
                                           target_id=invoice.id, amount=None, initiated_by="charge batch #1",
                                           batch_id=1).id for invoice in invoices]


def attempt_rows(session, attempt_ids) -> list[tuple]:
    return [(a.status, a.message, a.approval_code, a.open_target is None, a.payment_id is not None,
             bool(a.gateway_reference))
            for a in (session.get(PaymentAttempt, attempt_id) for attempt_id in attempt_ids)]


def test_finish_many_applies_results_as_finish_does(host, factory):
    send_charge_mail(host)
    one, many = factory.customer(), factory.customer()
    one_invoices = [factory.invoice(one, "30.00") for _ in range(3)]
    many_invoices = [factory.invoice(many, "30.00") for _ in range(3)]
    one_attempts, many_attempts = attempts_on(host, one, one_invoices), attempts_on(host, many, many_invoices)
    for attempt_id, result in zip(one_attempts, results("one")):
        host.payments.finish(attempt_id, result)
    with host.db.transaction() as s:
        refused = host.payments.finish_many(s, dict(zip(many_attempts, results("many"))))
    assert refused == {}
    with host.db.reading() as s:
        assert attempt_rows(s, many_attempts) == attempt_rows(s, one_attempts)
        assert snapshot(s, many.id, many_invoices) == snapshot(s, one.id, one_invoices)
        mail = [sorted((m.template, m.document_kind, m.payment_id is not None) for m in s.execute(
            select(MailMessage).where(MailMessage.customer_id == customer.id, MailMessage.template.like("payment_%")))
            .scalars()) for customer in (one, many)]
        assert mail[0] == mail[1] == [("payment_failed", "invoice", False), ("payment_received", "invoice", True)]


def test_finish_many_keeps_an_outcome_that_stands(host, factory):
    customer = factory.customer()
    invoice = factory.invoice(customer, "30.00")
    [attempt_id] = attempts_on(host, customer, [invoice])
    host.payments.finish(attempt_id, results("first")[0])
    with host.db.transaction() as s:
        refused = host.payments.finish_many(s, {attempt_id: PaymentResult.declined("late answer")})
    assert list(refused) == [attempt_id]
    with host.db.reading() as s:
        assert s.get(PaymentAttempt, attempt_id).status == "approved"
        assert s.get(Invoice, invoice.id).status == "paid"
        assert len(s.execute(select(Payment).where(Payment.customer_id == customer.id)).all()) == 1
