"""Customer portal: own documents only, separate logins, menu from entry points."""

from splynx_testing.fixtures import portal_login


def test_customer_sees_only_own_invoices_and_gets_404_for_others(app, factory):
    alice, bob = factory.customer(name="Alice"), factory.customer(name="Bob")
    mine = factory.invoice(alice, "11.00")
    theirs = factory.invoice(bob, "22.00")
    client = portal_login(app, alice)
    listing = client.get("/portal/finance/invoices").get_data(as_text=True)
    assert mine.number in listing and theirs.number not in listing
    assert client.get(f"/portal/finance/invoices/{mine.id}").status_code == 200
    assert client.get(f"/portal/finance/invoices/{theirs.id}").status_code == 404


def test_portal_needs_a_customer_login_and_admin_login_does_not_count(app, admin_client):
    assert admin_client.get("/portal/").status_code == 302
    assert app.test_client().get("/portal/finance/invoices").headers["Location"].startswith("/portal/login")


def test_wrong_password_is_refused_with_a_message(app, factory):
    customer = factory.customer()
    response = app.test_client().post("/portal/login", data={"login": customer.login, "password": "nope"})
    assert response.status_code == 200 and "Wrong login or password." in response.get_data(as_text=True)


def test_login_redirect_goes_back_but_never_off_site(app, factory):
    customer = factory.customer()
    client = app.test_client()
    ok = client.post("/portal/login", data={"login": customer.login, "password": "customer-password",
                                            "next": "/portal/finance/payments"})
    assert ok.headers["Location"] == "/portal/finance/payments"
    client = app.test_client()
    evil = client.post("/portal/login", data={"login": customer.login, "password": "customer-password",
                                              "next": "//evil.example/"})
    assert evil.headers["Location"] == "/portal/"


def test_dashboard_shows_balance_and_unpaid_totals(app, factory):
    customer = factory.customer()
    factory.invoice(customer, "12.50")
    factory.invoice(customer, "7.50")
    page = portal_login(app, customer).get("/portal/").get_data(as_text=True)
    assert "-20.00 $" in page and "20.00 $ due" in page


def test_dashboard_counts_only_the_customers_unpaid_invoices_and_proformas(app, factory):
    import re

    customer, other = factory.customer(), factory.customer()
    factory.invoice(customer, "10.00")
    factory.invoice(customer, "0.25", status="pending")
    factory.invoice(customer, "99.00", status="paid")
    factory.proforma(customer, "3.10")
    factory.invoice(other, "500.00")
    factory.proforma(other, "600.00")
    tiles = re.findall(r'<div class="value">(\d+)</div><div class="muted">([^<]+) due',
                       portal_login(app, customer).get("/portal/").get_data(as_text=True))
    assert tiles == [("2", "10.25 $"), ("1", "3.10 $")]
    tiles = re.findall(r'<div class="value">(\d+)</div><div class="muted">([^<]+) due',
                       portal_login(app, other).get("/portal/").get_data(as_text=True))
    assert tiles == [("1", "500.00 $"), ("1", "600.00 $")]


def test_profile_validates_and_saves(app, factory):
    customer = factory.customer()
    client = portal_login(app, customer)
    bad = client.post("/portal/profile", data={"email": "nope", "new_password": "short"})
    assert bad.status_code == 422
    assert "Enter a valid email address." in bad.get_data(as_text=True)
    assert client.post("/portal/profile", data={"email": "new@example.net", "phone": "1"}).status_code == 302


def test_finance_documents_lists_own_invoices_proformas_and_payments(app, host, factory):
    """Finance → Documents (the refill-card document: the payment shows with its date, amount and number)."""
    from decimal import Decimal

    from hostapp.services.ledger import PaymentBooking, record_payment

    alice, bob = factory.customer(name="Alice"), factory.customer(name="Bob")
    invoice, proforma = factory.invoice(alice, "11.00"), factory.proforma(alice, "7.00")
    deleted, theirs = factory.invoice(alice, "3.00", status="deleted"), factory.invoice(bob, "22.00")
    with host.db.transaction() as s:
        paid = record_payment(s, PaymentBooking(customer_id=alice.id, amount=Decimal("5.00"), method="Cash",
                                                comment="At the counter")).receipt_number
        other = record_payment(s, PaymentBooking(customer_id=bob.id, amount=Decimal("9.00"), method="Cash")).receipt_number
    client = portal_login(app, alice)
    page = client.get("/portal/finance/documents").get_data(as_text=True)
    for shown in (invoice.number, proforma.number, paid, "At the counter", "11.00 $", "7.00 $", "5.00 $"):
        assert shown in page
    for hidden in (deleted.number, theirs.number, other):
        assert hidden not in page
    assert page.count('<tr data-kind="') == 3 and "Finance › <b>Documents</b>" in page
    found = client.get(f"/portal/finance/documents?q={paid}").get_data(as_text=True)
    assert paid in found and invoice.number not in found
    # the menu names the pages as the documents do; the old addresses stay
    menu = client.get("/portal/finance/payments").get_data(as_text=True)
    for link in ('href="/portal/finance/documents"', '>Documents</a>', '>List</a>', 'aria-controls="nav-finance-payments"'):
        assert link in menu
    assert "nav-finance-credit-card" not in menu  # no gateway add-on saves cards here: no Credit card submenu
    for url in ("/portal/finance/invoices", "/portal/finance/proforma-invoices", "/portal/finance/transactions"):
        assert client.get(url).status_code == 200
