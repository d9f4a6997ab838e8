"""The ledger: allocation order, surplus to balance, idempotency by gateway reference, refunds."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from hostapp.models import Customer, Invoice, Payment, ProformaInvoice, Transaction
from hostapp.services.ledger import LedgerError, PaymentBooking, record_payment, record_refund


def book(host, **kwargs):
    with host.db.transaction() as s:
        for key in ("invoice", "proforma"):
            if kwargs.get(key) is not None:
                kwargs[key] = s.get(type(kwargs[key]), kwargs[key].id)
        return record_payment(s, PaymentBooking(**kwargs))


def test_invoice_issue_debits_and_payment_credits_with_running_balance(host, factory):
    customer = factory.customer()
    invoice = factory.invoice(customer, "30.00")
    book(host, customer_id=customer.id, amount=Decimal("30.00"), method="Cash", invoice=invoice)
    with host.db.transaction() as s:
        lines = s.execute(select(Transaction).order_by(Transaction.id)).scalars().all()
        assert [(t.type, t.total, t.balance_after, t.category.name) for t in lines] == [
            ("debit", Decimal("30.00"), Decimal("-30.00"), "Service"),
            ("credit", Decimal("30.00"), Decimal("0.00"), "Payment")]
        assert s.get(Invoice, invoice.id).status == "paid"


def test_partial_payment_leaves_invoice_partially_paid(host, factory):
    customer = factory.customer()
    invoice = factory.invoice(customer, "30.00")
    book(host, customer_id=customer.id, amount=Decimal("10.00"), method="Cash", invoice=invoice)
    with host.db.transaction() as s:
        inv = s.get(Invoice, invoice.id)
        assert (inv.status, inv.due, inv.display_status) == ("not_paid", Decimal("20.00"), "Partially paid")


def test_overpayment_never_overpays_the_invoice_and_the_rest_stays_on_balance(host, factory):
    customer = factory.customer()
    invoice = factory.invoice(customer, "30.00")
    other = factory.invoice(customer, "20.00")
    book(host, customer_id=customer.id, amount=Decimal("50.00"), method="Cash", invoice=invoice,
         allocate_surplus=False)
    with host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).due == Decimal("0.00")
        assert s.get(Invoice, other.id).status == "not_paid"
        assert s.get(Customer, customer.id).balance == Decimal("0.00")  # -50 debits + 50 credit


def test_balance_payment_pays_oldest_invoices_first(host, factory):
    customer = factory.customer()
    newest = factory.invoice(customer, "10.00", days_ago=1)
    oldest = factory.invoice(customer, "10.00", days_ago=60)
    middle = factory.invoice(customer, "10.00", days_ago=30)
    book(host, customer_id=customer.id, amount=Decimal("25.00"), method="Cash")
    with host.db.transaction() as s:
        assert [s.get(Invoice, i.id).due for i in (oldest, middle, newest)] == [
            Decimal("0.00"), Decimal("0.00"), Decimal("5.00")]


def test_same_gateway_reference_books_once(host, factory):
    customer = factory.customer()
    first = book(host, customer_id=customer.id, amount=Decimal("5.00"), method="Cash", gateway="g",
                 gateway_reference="TX1")
    again = book(host, customer_id=customer.id, amount=Decimal("5.00"), method="Cash", gateway="g",
                 gateway_reference="TX1")
    assert first.id == again.id
    with host.db.transaction() as s:
        assert s.get(Customer, customer.id).balance == Decimal("5.00")


def test_proforma_payment_raises_the_balance_and_marks_it_paid(host, factory):
    customer = factory.customer()
    proforma = factory.proforma(customer, "50.00")
    book(host, customer_id=customer.id, amount=Decimal("50.00"), method="Cash", proforma=proforma,
         allocate_surplus=False)
    with host.db.transaction() as s:
        assert s.get(ProformaInvoice, proforma.id).status == "paid"
        assert s.get(Customer, customer.id).balance == Decimal("50.00")


def test_refund_books_a_linked_negative_payment_and_never_more_than_paid(host, factory):
    customer = factory.customer()
    paid = book(host, customer_id=customer.id, amount=Decimal("20.00"), method="Credit card", gateway="g",
                gateway_reference="TX9")
    with host.db.transaction() as s:
        original = s.get(Payment, paid.id)
        refund = record_refund(s, original, Decimal("15.00"), gateway_reference="RF1", comment="Refund", added_by="t")
        assert (refund.amount, refund.refund_of_id) == (Decimal("-15.00"), paid.id)
    with host.db.transaction() as s, pytest.raises(LedgerError, match="exceeds the refundable 5.00"):
        record_refund(s, s.get(Payment, paid.id), Decimal("6.00"), gateway_reference="RF2", comment="", added_by="t")
    with host.db.transaction() as s:
        assert s.get(Customer, customer.id).balance == Decimal("5.00")


def test_non_positive_amounts_are_refused(host, factory):
    customer = factory.customer()
    with pytest.raises(LedgerError, match="must be positive"):
        book(host, customer_id=customer.id, amount=Decimal("0"), method="Cash")
