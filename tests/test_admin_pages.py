"""Admin pages: search and paging, customer tabs, invoice filters, administration forms."""

import re

from hostapp.models import Partner


def test_customer_list_searches_and_pages(admin_client, host, factory):
    host.config = type(host.config)(**{**host.config.__dict__, "page_size": 5})
    partner, location = factory.partner(), factory.location()
    for n in range(12):
        factory.customer(name=f"Subscriber {n:02d}", partner=partner, location=location)
    first = admin_client.get("/admin/customers").get_data(as_text=True)
    assert "Showing 1 to 5 of 12 entries" in first and "Next ›" in first
    third = admin_client.get("/admin/customers?page=3").get_data(as_text=True)
    assert "Showing 11 to 12 of 12 entries" in third
    found = admin_client.get("/admin/customers?q=subscriber+07").get_data(as_text=True)
    assert "Subscriber 07" in found and "Subscriber 08" not in found


def test_customer_billing_tab_holds_its_sub_tabs(admin_client, factory):
    """Splynx's customer page: Billing is one tab, with Finance documents, Payments, Transactions and
    Billing config under it (Customers → View → Billing → Payments, as the refill-card document says)."""
    customer = factory.customer(name="Tab Tester")
    invoice = factory.invoice(customer, "19.90")
    base = f"/admin/customers/{customer.id}"
    billing = admin_client.get(f"{base}?tab=billing").get_data(as_text=True)
    assert invoice.number in billing and "19.90 $" in billing
    tabs = re.search(r'<nav class="tabs customer-tabs".*?</nav>', billing, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", tabs) == ["Information", "Billing"]
    sub_tabs = re.search(r'<nav class="tabs billing-tabs".*?</nav>', billing, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", sub_tabs) == ["Finance documents", "Payments", "Transactions", "Billing config"]
    assert 'aria-current="page">Finance documents</a>' in sub_tabs
    ledger = admin_client.get(f"{base}?tab=billing&section=transactions").get_data(as_text=True)
    assert f"Invoice {invoice.number}" in ledger and "-19.90 $" in ledger and "› <b>Transactions</b>" in ledger
    assert 'table class="data payments' in admin_client.get(f"{base}?tab=billing&section=payments").get_data(as_text=True)
    config = admin_client.get(f"{base}?tab=billing&section=config").get_data(as_text=True)
    assert "Payment accounts" in config and "Account balance" in config
    # the separate tabs of earlier releases lead to their sub-tab, keeping search and page
    for old, section in (("transactions", "transactions"), ("payments", "payments"), ("accounts", "config")):
        moved = admin_client.get(f"{base}?tab={old}&q=x&page=2")
        assert moved.status_code == 301
        assert moved.headers["Location"] == f"{base}?tab=billing&section={section}&q=x&page=2"
    assert admin_client.get(f"{base}?tab=nope").status_code == 404
    assert admin_client.get(f"{base}?tab=billing&section=nope").status_code == 404


def test_invoice_filters_by_status_and_period(admin_client, factory):
    customer = factory.customer()
    unpaid = factory.invoice(customer, "10.00", days_ago=3)
    old = factory.invoice(customer, "10.00", days_ago=90)
    page = admin_client.get("/admin/finance/invoices?status=not_paid").get_data(as_text=True)
    assert unpaid.number in page and old.number in page
    from datetime import date, timedelta
    since = (date.today() - timedelta(days=10)).isoformat()
    page = admin_client.get(f"/admin/finance/invoices?from={since}").get_data(as_text=True)
    assert unpaid.number in page and old.number not in page


def test_partner_form_refuses_duplicates_with_a_message(admin_client, host):
    assert admin_client.post("/admin/administration/partners", data={"name": "East"}).status_code == 302
    again = admin_client.post("/admin/administration/partners", data={"name": "East"})
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)
    with host.db.transaction() as s:
        assert s.query(Partner).filter_by(name="East").count() == 1


def test_admin_pages_need_an_admin_login(app, factory):
    customer = factory.customer()
    from splynx_testing.fixtures import portal_login

    portal = portal_login(app, customer)
    assert portal.get("/admin/customers").status_code == 302


def test_later_invoice_pages_hold_the_next_rows_in_the_list_order(admin_client, host, factory):
    """Later pages take their keys first, then the rows: together the pages list every invoice once,
    newest first, with the customer of each row."""
    host.config = type(host.config)(**{**host.config.__dict__, "page_size": 4})
    customer = factory.customer(name="Pager Person")
    invoices = [factory.invoice(customer, "10.00", days_ago=n % 3) for n in range(10)]
    newest_first = sorted(invoices, key=lambda i: (i.date_created, i.id), reverse=True)
    pages = [admin_client.get(f"/admin/finance/invoices?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    for n, page in enumerate(pages):
        shown = newest_first[n * 4:(n + 1) * 4]
        positions = [page.index(invoice.number) for invoice in shown]
        assert positions == sorted(positions), f"page {n + 1} out of order"
        assert "Pager Person" in page
        assert not any(invoice.number in page for invoice in newest_first if invoice not in shown)
