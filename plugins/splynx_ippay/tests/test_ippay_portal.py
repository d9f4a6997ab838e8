"""Customer portal: credentials, pay modal, dashboard widget, refill page (Flask test client)."""

from decimal import Decimal

from sqlalchemy import select

from hostapp.models import Customer, Invoice, Payment, PaymentAccount, PaymentMethod, Transaction
from splynx_testing.fixtures import portal_login
from splynx_testing.gateway import form_intent

TEST_CARD, TEST_BANK_ACCOUNT, TEST_ROUTING = "4111111111111111", "84736251", "071025661"

CARD_FORM = {"action": "add_card", "holder": "Tofu Beast", "card_number": "4111 1111 1111 1111",
             "exp_month": "12", "exp_year": "2031"}
BANK_FORM = {"action": "add_bank", "first_name": "Mickey", "last_name": "Mouse", "account_number": TEST_BANK_ACCOUNT,
             "routing_number": TEST_ROUTING, "account_type": "SAVINGS"}


def _accounts(host, customer):
    with host.db.transaction() as s:
        return s.execute(select(PaymentAccount).where(PaymentAccount.customer_id == customer.id)
                         .order_by(PaymentAccount.id)).scalars().all()


def test_customer_saves_several_cards_and_a_bank_account_as_tokens(ippay_app, ippay_host, factory):
    customer = factory.customer()
    client = portal_login(ippay_app, customer)
    assert client.post("/ippay/credentials", data=CARD_FORM).status_code == 302
    assert client.post("/ippay/credentials", data={**CARD_FORM, "card_number": "5555555555554444"}).status_code == 302
    assert client.post("/ippay/credentials", data=BANK_FORM).status_code == 302
    page = client.get("/ippay/credentials").get_data(as_text=True)
    assert "Visa ending 1111" in page and "Mastercard ending 4444" in page and "Savings ending 6251" in page
    assert TEST_CARD not in page and TEST_BANK_ACCOUNT not in page
    accounts = _accounts(ippay_host, customer)
    assert [(a.kind, a.brand, a.last4, a.expiry, a.is_default) for a in accounts] == [
        ("card", "Visa", "1111", "12/2031", True), ("card", "Mastercard", "4444", "12/2031", False),
        ("bank", "Savings", "6251", "", False)]
    assert all(a.token and not a.token.isdigit() for a in accounts)
    client.post("/ippay/credentials", data={"action": "default", "account_id": accounts[2].id})
    client.post("/ippay/credentials", data={"action": "remove", "account_id": accounts[2].id})
    assert [(a.last4, a.is_default) for a in _accounts(ippay_host, customer)] == [("1111", True), ("4444", False)]


def test_invalid_details_are_refused_before_ippay_is_called(ippay_app, factory, sim):
    client = portal_login(ippay_app, factory.customer())
    page = client.post("/ippay/credentials", data={**CARD_FORM, "card_number": "4111111111111112"})
    assert page.status_code == 422 and "Enter a valid card number." in page.get_data(as_text=True)
    page = client.post("/ippay/credentials", data={**BANK_FORM, "routing_number": "071025662"})
    assert "Enter a valid 9-digit routing number" in page.get_data(as_text=True)
    assert TEST_BANK_ACCOUNT not in page.get_data(as_text=True)
    assert sim.app.journal() == []


def test_another_customers_account_cannot_be_touched(ippay_app, ippay_host, factory, add_card):
    owner, other = factory.customer(), factory.customer()
    account = add_card(owner)
    portal_login(ippay_app, other).post("/ippay/credentials", data={"action": "remove", "account_id": account.id})
    assert len(_accounts(ippay_host, owner)) == 1


def test_adding_credentials_can_switch_the_customers_payment_method(ippay_app, ippay_host, ippay_configure,
                                                                  factory):
    ippay_configure(change_payment_method=True)
    customer = factory.customer()
    portal_login(ippay_app, customer).post("/ippay/credentials", data=CARD_FORM)
    with ippay_host.db.transaction() as s:
        assert s.get(Customer, customer.id).payment_method.name == "IPpay credit card"


def test_pay_invoice_from_the_action_link_modal(ippay_app, ippay_host, factory, add_card):
    customer = factory.customer()
    add_card(customer)
    invoice = factory.invoice(customer, "30.00")
    client = portal_login(ippay_app, customer)
    listing = client.get("/portal/finance/invoices").get_data(as_text=True)
    assert f'data-modal-url="/ippay/pay-invoice?item_id={invoice.id}"' in listing
    modal = client.get(f"/ippay/pay-invoice?item_id={invoice.id}").get_data(as_text=True)
    for text in ("Invoice amount", "Invoice due", "Total to pay", "Account type", "Visa ending 1111"):
        assert text in modal
    account = _accounts(ippay_host, customer)[0]
    done = client.post(f"/ippay/pay-invoice?item_id={invoice.id}", data={"account_id": account.id})
    assert "Success! Your transaction has been successfully processed." in done.get_data(as_text=True)
    with ippay_host.db.transaction() as s:
        paid = s.get(Invoice, invoice.id)
        payment = s.execute(select(Payment).where(Payment.invoice_id == invoice.id)).scalar_one()
        assert (paid.status, paid.due) == ("paid", Decimal("0.00"))
        assert (payment.comment, payment.method.name, payment.amount) == ("Pay by IPpay", "IPpay credit card",
                                                                           Decimal("30.00"))
        assert payment.approval_code.startswith("TEST") and payment.gateway_reference == payment.field_1
        assert payment.field_3 == "Visa ending 1111"
    assert "Paid" in client.get("/portal/finance/invoices").get_data(as_text=True)


def test_pay_proforma_with_a_bank_account_and_fee(ippay_app, ippay_host, ippay_configure, factory, add_bank,
                                                   sim):
    ippay_configure(fee_percent="2.5")
    customer = factory.customer()
    account = add_bank(customer)
    proforma = factory.proforma(customer, "40.00")
    client = portal_login(ippay_app, customer)
    modal = client.get(f"/ippay/pay-proforma?item_id={proforma.id}").get_data(as_text=True)
    assert "Service fee (2.5%)" in modal and "41.00" in modal
    done = client.post(f"/ippay/pay-proforma?item_id={proforma.id}", data={"account_id": account.id})
    assert "Success!" in done.get_data(as_text=True)
    check = [e for e in sim.app.journal() if e["type"] == "CHECK"]
    assert [(e["amount"], e["action_code"]) for e in check] == [("4100", "000")]
    with ippay_host.db.transaction() as s:
        payment = s.execute(select(Payment).where(Payment.proforma_id == proforma.id)).scalar_one()
        lines = s.execute(select(Transaction).where(Transaction.payment_id == payment.id)
                          .order_by(Transaction.id)).scalars().all()
        assert (payment.amount, payment.method.name) == (Decimal("41.00"), "IPpay bank account")
        assert [(t.type, t.total, t.category.name) for t in lines] == [("credit", Decimal("41.00"), "Payment"),
                                                                      ("debit", Decimal("1.00"), "Service")]
        # the fee is charged and debited again; the proforma's 40.00 is credit until its invoice is issued
        assert s.get(Customer, customer.id).balance == Decimal("40.00")


def test_declined_payment_shows_the_reason_and_keeps_the_invoice_unpaid(ippay_app, factory, add_card):
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "52.05")
    page = portal_login(ippay_app, customer).post(f"/ippay/pay-invoice?item_id={invoice.id}",
                                                 data={"account_id": account.id}).get_data(as_text=True)
    assert "The payment was declined: Do not honor (005)." in page
    assert "Pay 52.05" in page  # the form is offered again


def test_someone_elses_invoice_is_not_found(ippay_app, factory):
    invoice = factory.invoice(factory.customer())
    client = portal_login(ippay_app, factory.customer())
    assert client.get(f"/ippay/pay-invoice?item_id={invoice.id}").status_code == 404
    assert client.get("/ippay/pay-invoice?item_id=abc").status_code == 404


def test_dashboard_widget_lists_unpaid_invoices_with_pay_buttons(ippay_app, factory):
    customer = factory.customer()
    first, second = factory.invoice(customer, "30.00"), factory.invoice(customer, "12.50")
    factory.invoice(customer, "9.99", status="paid")
    page = portal_login(ippay_app, customer).get("/portal/").get_data(as_text=True)
    assert "Pay your invoices by IPpay" in page
    assert f'data-modal-url="/ippay/pay-invoice?item_id={first.id}"' in page
    assert f'data-modal-url="/ippay/pay-invoice?item_id={second.id}"' in page
    assert page.count(">Pay</a>") == 2


def test_refill_page_adds_money_to_the_balance(ippay_app, ippay_host, factory, add_card):
    customer = factory.customer()
    account = add_card(customer)
    client = portal_login(ippay_app, customer)
    form = client.get("/ippay").headers.get("Location") or ""
    page = client.get("/ippay/").get_data(as_text=True)
    assert "Add money by IpPay" in page and "Amount" in page and form.endswith("/ippay/")
    intent = form_intent(page)
    rejected = client.post("/ippay/", data={"account_id": account.id, "amount": "abc", "intent": intent})
    assert rejected.status_code == 422 and form_intent(rejected.get_data(as_text=True)) == intent
    stale = client.post("/ippay/", data={"account_id": account.id, "amount": "25.00", "intent": intent + "x"})
    assert "This form has expired. Nothing was charged" in stale.get_data(as_text=True)
    posted = client.post("/ippay/index", data={"account_id": account.id, "amount": "25.00", "intent": intent})
    assert posted.status_code == 303 and "/ippay/index?done=" in posted.headers["Location"]
    for _ in range(2):  # the result, then a refresh of it: shown again, charged once
        done = client.get(posted.headers["Location"]).get_data(as_text=True)
        assert "Success! Your transaction has been successfully processed." in done and "BACK TO PORTAL" in done
    again = client.post("/ippay/index", data={"account_id": account.id, "amount": "25.00", "intent": intent})
    assert again.headers["Location"] == posted.headers["Location"], "a re-posted form answers its first attempt"
    assert client.get("/ippay/?done=forged").status_code == 404
    with ippay_host.db.transaction() as s:
        assert s.get(Customer, customer.id).balance == Decimal("25.00")
        assert s.execute(select(Payment.comment).where(Payment.customer_id == customer.id)).scalar_one() == \
            "Pay by IPpay"


def test_pages_need_a_login_and_an_enabled_module(ippay_app, ippay_host, factory):
    anonymous = ippay_app.test_client()
    assert anonymous.get("/ippay/credentials").status_code == 302
    assert anonymous.get("/ippay/admin/customer?customer_id=1").status_code == 302
    ippay_host.registry.set_enabled("ippay", False, "test")
    assert anonymous.get("/ippay/direct-pay-invoice?item_id=1").status_code == 404


def test_payment_methods_and_account_types_are_registered(ippay_host):
    with ippay_host.db.transaction() as s:
        names = set(s.execute(select(PaymentMethod.name)).scalars())
    assert {"IPpay credit card", "IPpay bank account"} <= names
