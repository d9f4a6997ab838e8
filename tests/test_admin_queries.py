"""Admin list pages load a page in a fixed number of queries, however many rows it shows (no N+1)."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event

from hostapp.services.ledger import PaymentBooking, record_payment

#: queries one list page may make: the admin, the count, the rows, their partners or locations, the filters
MAX_QUERIES = 8
ROWS = 30

LIST_PAGES = [
    "/admin/customers",
    "/admin/customers?q=customer",
    "/admin/finance/invoices",
    "/admin/finance/invoices?q=2026",
    "/admin/finance/invoices?status=not_paid&page=2",
    "/admin/finance/proforma-invoices",
    "/admin/finance/payments",
    "/admin/finance/transactions",
    "/admin/finance/payment-attempts",
]


@contextmanager
def counted(engine):
    """Count the SQL statements sent on ``engine`` inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def many_rows(host, factory):
    """Rows with a partner, a location and a customer of their own each: an N+1 shows as N extra queries."""
    for n in range(ROWS):
        customer = factory.customer(partner=factory.partner(), location=factory.location())
        invoice = factory.invoice(customer, "10.00")
        factory.invoice(customer, "12.00")
        factory.proforma(customer)
        if n % 2:
            with host.db.transaction() as s:
                record_payment(s, PaymentBooking(customer_id=customer.id, amount=Decimal("10.00"), method="Cash",
                                                 invoice=s.get(type(invoice), invoice.id)))


@pytest.mark.parametrize("url", LIST_PAGES)
def test_a_list_page_makes_a_fixed_number_of_queries(admin_client, host, many_rows, url):
    admin_client.get(url)  # warm: the session, the menu, the add-on set
    with counted(host.db.engine) as statements:
        response = admin_client.get(url)
    assert response.status_code == 200
    assert len(statements) <= MAX_QUERIES, "\n".join(statements)


def test_the_count_stops_at_the_cap_and_says_so(admin_client, host, factory, monkeypatch):
    monkeypatch.setattr("core.web.tables.COUNT_CAP", 4)
    host.config = type(host.config)(**{**host.config.__dict__, "page_size": 2})
    customer = factory.customer()
    for _ in range(6):
        factory.invoice(customer, "5.00")
    html = admin_client.get("/admin/finance/invoices").get_data(as_text=True)
    assert "Showing 1 to 2 of 4+ entries" in html
    last = admin_client.get("/admin/finance/invoices?page=9").get_data(as_text=True)
    assert "Showing 3 to 4 of 4+ entries" in last


@pytest.mark.parametrize(("invoices", "shown"), [(4, "of 4 entries"), (5, "of 4+ entries")])
def test_a_list_of_exactly_the_cap_is_counted_and_one_more_is_capped(admin_client, host, factory, monkeypatch,
                                                                      invoices, shown):
    monkeypatch.setattr("core.web.tables.COUNT_CAP", 4)
    customer = factory.customer()
    for _ in range(invoices):
        factory.invoice(customer, "5.00")
    assert shown in admin_client.get("/admin/finance/invoices").get_data(as_text=True)


def test_invoice_number_search_matches_the_number_or_its_beginning(admin_client, factory):
    customer = factory.customer()
    first, second = factory.invoice(customer, "5.00"), factory.invoice(customer, "6.00")
    exact = admin_client.get(f"/admin/finance/invoices?q={first.number}").get_data(as_text=True)
    assert first.number in exact and second.number not in exact
    prefix = admin_client.get(f"/admin/finance/invoices?q={first.number[:6]}").get_data(as_text=True)
    assert first.number in prefix and second.number in prefix
    middle = admin_client.get(f"/admin/finance/invoices?q={first.number[4:]}").get_data(as_text=True)
    assert first.number not in middle and "Showing 0 to 0 of 0 entries" in middle


@pytest.mark.parametrize("q", ["\ud7ff", "\U0010ffff", "2026%", "20_6", "'"])
def test_number_search_takes_any_text(admin_client, factory, q):
    factory.invoice(factory.customer(), "5.00")
    response = admin_client.get("/admin/finance/invoices", query_string={"q": q})
    assert response.status_code == 200 and "Showing 0 to 0 of 0 entries" in response.get_data(as_text=True)
