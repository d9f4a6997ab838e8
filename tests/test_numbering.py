"""Document numbers: Splynx's patterns, distinct under parallel payments, no global lock on servers."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from hostapp.models import NumberSequence, Payment, PaymentMethod
from hostapp.services.ledger import PaymentBooking, record_payment
from hostapp.services.numbering import invoice_number, proforma_number, receipt_number, uses_sequences

PARALLEL = 8
TODAY = date(2026, 3, 1)


class Rollback(Exception):
    """Raised to roll a transaction back after taking a number."""


def take(db, number_of):
    with db.transaction() as session:
        return number_of(session)


def test_patterns_follow_splynx(host):
    with host.db.transaction() as s:
        assert invoice_number(s, 3, TODAY) == "202603000001"
        assert invoice_number(s, 3, TODAY) == "202603000002"
        assert proforma_number(s, TODAY) == "2026000001"
        assert receipt_number(s, 1, TODAY) == "2026-01-00001"
        assert receipt_number(s, 2, TODAY) == "2026-02-00001"


def test_parallel_payments_get_distinct_receipt_numbers(host, factory):
    customers = [factory.customer() for _ in range(PARALLEL)]
    invoices = [factory.invoice(c, "10.00") for c in customers]
    start = threading.Barrier(PARALLEL)

    def pay(invoice):
        start.wait()
        with host.db.transaction() as s:
            return record_payment(s, PaymentBooking(
                customer_id=invoice.customer_id, amount=Decimal("10.00"), method="Cash",
                invoice=s.get(type(invoice), invoice.id))).receipt_number

    with ThreadPoolExecutor(PARALLEL) as pool:
        numbers = list(pool.map(pay, invoices))
    with host.db.reading() as s:
        method = s.execute(select(PaymentMethod.id).where(PaymentMethod.name == "Cash")).scalar_one()
        stored = s.execute(select(Payment.receipt_number)).scalars().all()
    assert len(set(numbers)) == PARALLEL and sorted(stored) == sorted(numbers)
    prefix = f"{date.today().year}-{method:02d}-"
    assert all(re.fullmatch(re.escape(prefix) + r"\d{5}", n) for n in numbers), numbers
    assert sorted(int(n[-5:]) for n in numbers) == list(range(1, PARALLEL + 1))


def test_parallel_invoices_get_distinct_numbers(host):
    with ThreadPoolExecutor(PARALLEL) as pool:
        numbers = list(pool.map(lambda _: take(host.db, lambda s: invoice_number(s, 1, TODAY)), range(4 * PARALLEL)))
    assert sorted(numbers) == [f"202601{n:06d}" for n in range(1, 4 * PARALLEL + 1)]


def test_an_upgraded_series_continues_after_its_counter_row(host):
    with host.db.transaction() as s:
        s.add(NumberSequence(prefix="receipt-2026-01", last=41))
    assert take(host.db, lambda s: receipt_number(s, 1, TODAY)) == "2026-01-00042"


def test_a_rolled_back_number_is_reused_only_without_sequences(host):
    with pytest.raises(Rollback):
        with host.db.transaction() as s:
            receipt_number(s, 1, TODAY)
            servers = uses_sequences(s)
            raise Rollback
    expected = "2026-01-00002" if servers else "2026-01-00001"
    assert take(host.db, lambda s: receipt_number(s, 1, TODAY)) == expected


def test_an_open_transaction_holding_a_number_does_not_block_another(host):
    """On PostgreSQL and MariaDB a number is taken without waiting for other transactions to commit."""
    take(host.db, lambda s: receipt_number(s, 1, TODAY))  # the sequence exists from here on
    holding, release = threading.Event(), threading.Event()

    def hold():
        with host.db.transaction() as s:
            number = receipt_number(s, 1, TODAY)
            holding.set()
            return number, release.wait(20)  # False: nobody released it, the other transaction waited

    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(hold)
        assert holding.wait(30)
        with host.db.reading() as s:
            servers = uses_sequences(s)
        if servers:
            other = take(host.db, lambda s: receipt_number(s, 1, TODAY))  # a counter row lock would wait here
            release.set()
            number, released = held.result()
            assert released, "taking a number waited for the transaction holding another one"
            assert {number, other} == {"2026-01-00002", "2026-01-00003"}
        else:  # SQLite: one writer at a time; the series stays gapless
            release.set()
            assert held.result() == ("2026-01-00002", True)
            assert take(host.db, lambda s: receipt_number(s, 1, TODAY)) == "2026-01-00003"
