"""A gateway service fee is part of the payment and booked back as a debit line."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from hostapp.models import Customer, Invoice, Transaction
from hostapp.services.ledger import LedgerError, PaymentBooking, record_payment


def test_fee_is_not_allocated_and_is_debited_again(host, factory):
    customer = factory.customer()
    invoice = factory.invoice(customer, "30.00")
    with host.db.transaction() as s:
        payment = record_payment(s, PaymentBooking(customer_id=customer.id, amount=Decimal("30.60"),
                                                   method="Credit card", invoice=s.get(Invoice, invoice.id),
                                                   fee=Decimal("0.60"), fee_category="Gateway fee",
                                                   allocate_surplus=False))
    with host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).status == "paid"
        assert s.get(Customer, customer.id).balance == Decimal("0.00")
        lines = s.execute(select(Transaction).where(Transaction.payment_id == payment.id)
                          .order_by(Transaction.id)).scalars().all()
        assert [(t.type, t.total, t.category.name) for t in lines] == [
            ("credit", Decimal("30.60"), "Payment"), ("debit", Decimal("0.60"), "Gateway fee")]


def test_fee_must_be_smaller_than_the_payment(host, factory):
    customer = factory.customer()
    with host.db.transaction() as s, pytest.raises(LedgerError):
        record_payment(s, PaymentBooking(customer_id=customer.id, amount=Decimal("1.00"), method="Cash",
                                         fee=Decimal("1.00")))
