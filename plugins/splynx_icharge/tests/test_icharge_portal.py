"""Customer portal: saved cards, the payment window (saved or new card, "save this card"), refill, widgets."""

from decimal import Decimal

from sqlalchemy import select

from hostapp.models import Customer, EntryPointRecord, Invoice, Payment, PaymentAccount, PaymentMethod, Transaction
from splynx_testing.fixtures import portal_login
from splynx_testing.gateway import form_intent

CARD_FORM = {"action": "add_card", "holder": "Tofu Beast", "card_number": "4111 1111 1111 1111",
             "exp_month": "12", "exp_year": "2031"}
NEW_CARD = {"account_id": "new", "holder": "Tofu Beast", "card_number": "5555555555554444", "exp_month": "10",
            "exp_year": "2030", "cvv": "321"}


def _accounts(host, customer):
    with host.db.transaction() as s:
        return s.execute(select(PaymentAccount).where(PaymentAccount.customer_id == customer.id)
                         .order_by(PaymentAccount.id)).scalars().all()


def _enable(host, *names):
    with host.db.transaction() as s:
        for record in s.execute(select(EntryPointRecord).where(EntryPointRecord.name.in_(names))).scalars():
            record.enabled = True


def test_customer_adds_cards_makes_one_default_and_removes_one(icharge_app, icharge_host, factory, sim):
    customer = factory.customer()
    client = portal_login(icharge_app, customer)
    assert client.post("/icharge/cards", data=CARD_FORM).status_code == 302
    assert client.post("/icharge/cards", data={**CARD_FORM, "card_number": "5555555555554444"}).status_code == 302
    page = client.get("/icharge/cards").get_data(as_text=True)
    assert "Visa ending 1111" in page and "Mastercard ending 4444" in page and "4111111111111111" not in page
    accounts = _accounts(icharge_host, customer)
    assert [(a.brand, a.last4, a.expiry, a.is_default) for a in accounts] == [
        ("Visa", "1111", "12/2031", True), ("Mastercard", "4444", "12/2031", False)]
    assert all(a.token.startswith("tok_") for a in accounts)
    client.post("/icharge/cards", data={"action": "default", "account_id": accounts[1].id})
    client.post("/icharge/cards", data={"action": "remove", "account_id": accounts[0].id})
    assert [(a.last4, a.is_default) for a in _accounts(icharge_host, customer)] == [("4444", True)]
    assert accounts[0].token not in sim.app.merchants["XILOTEST"].tokens, "the token is deleted at Xilo too"
    assert [e["kind"] for e in sim.app.journal()] == ["CreateToken", "CreateToken", "DeleteToken"]


def test_invalid_cards_are_refused_before_xilo_is_called(icharge_app, factory, sim):
    client = portal_login(icharge_app, factory.customer())
    page = client.post("/icharge/cards", data={**CARD_FORM, "card_number": "4111111111111112"})
    assert page.status_code == 422 and "Enter a valid card number." in page.get_data(as_text=True)
    assert sim.app.journal() == []


def test_another_customers_card_cannot_be_touched(icharge_app, icharge_host, factory, add_card):
    owner, other = factory.customer(), factory.customer()
    account = add_card(owner)
    client = portal_login(icharge_app, other)
    client.post("/icharge/cards", data={"action": "remove", "account_id": account.id})
    client.post("/icharge/cards", data={"action": "default", "account_id": account.id})
    assert len(_accounts(icharge_host, owner)) == 1


def test_pay_by_icharge_button_pays_with_the_saved_card(icharge_app, icharge_host, factory, add_card):
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "30.00")
    client = portal_login(icharge_app, customer)
    listing = client.get("/portal/finance/invoices").get_data(as_text=True)
    assert f'data-modal-url="/icharge/pay-invoice?item_id={invoice.id}"' in listing and "Pay by iCharge" in listing
    modal = client.get(f"/icharge/pay-invoice?item_id={invoice.id}").get_data(as_text=True)
    for text in ("Invoice amount", "Invoice due", "Total to pay", "Pay with", "Visa ending 1111", "A new card",
                 "Save this card for future payments"):
        assert text in modal
    done = client.post(f"/icharge/pay-invoice?item_id={invoice.id}", data={"account_id": account.id})
    assert "Success! Your transaction has been successfully processed." in done.get_data(as_text=True)
    with icharge_host.db.transaction() as s:
        paid = s.get(Invoice, invoice.id)
        payment = s.execute(select(Payment).where(Payment.invoice_id == invoice.id)).scalar_one()
        assert (paid.status, paid.due) == ("paid", Decimal("0.00"))
        assert (payment.comment, payment.method.name, payment.amount) == ("Pay by iCharge", "iCharge credit card",
                                                                           Decimal("30.00"))
        assert payment.gateway_reference.startswith("pay_") and payment.gateway_reference == payment.field_1
        assert payment.field_3 == "Visa ending 1111" and payment.approval_code.isdigit()
        credit = s.execute(select(Transaction).where(Transaction.payment_id == payment.id)).scalar_one()
        assert (credit.type, credit.total, credit.category.name) == ("credit", Decimal("30.00"), "Payment")


def test_payment_window_saves_a_new_card_for_future_payments(icharge_app, icharge_host, factory, sim):
    customer = factory.customer()
    invoice = factory.invoice(customer, "45.00")
    client = portal_login(icharge_app, customer)
    done = client.post(f"/icharge/pay-proforma?item_id={factory.proforma(customer, '12.00').id}",
                       data={**NEW_CARD, "card_number": "4000000000000002"})  # declined: nothing saved
    assert "The payment was declined: Do not honour (05)." in done.get_data(as_text=True)
    done = client.post(f"/icharge/pay-invoice?item_id={invoice.id}", data={**NEW_CARD, "save_card": "1"})
    assert "Success!" in done.get_data(as_text=True)
    (saved,) = _accounts(icharge_host, customer)
    assert (saved.brand, saved.last4, saved.expiry, saved.holder, saved.is_default) == (
        "Mastercard", "4444", "10/2030", "Tofu Beast", True)
    assert saved.token in sim.app.merchants["XILOTEST"].tokens
    other = factory.invoice(customer, "10.00")
    client.post(f"/icharge/pay-invoice?item_id={other.id}", data={**NEW_CARD, "card_number": "4242424242424242"})
    assert len(_accounts(icharge_host, customer)) == 1, "a card is kept only when the customer asks"


def test_a_mistyped_new_card_is_refused_and_never_echoed(icharge_app, factory, sim):
    customer = factory.customer()
    invoice = factory.invoice(customer, "45.00")
    page = portal_login(icharge_app, customer).post(f"/icharge/pay-invoice?item_id={invoice.id}",
                                                   data={**NEW_CARD, "cvv": "1"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "Enter the 3 or 4 digit security code." in text
    assert "5555555555554444" not in text and sim.app.journal() == []


def test_declined_and_foreign_invoices(icharge_app, factory, add_card):
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "52.05")
    client = portal_login(icharge_app, customer)
    page = client.post(f"/icharge/pay-invoice?item_id={invoice.id}", data={"account_id": account.id})
    assert "The payment was declined: Do not honour (05)." in page.get_data(as_text=True)
    assert client.get(f"/icharge/pay-invoice?item_id={factory.invoice(factory.customer()).id}").status_code == 404


def test_fee_is_added_and_booked(icharge_app, icharge_host, icharge_configure, factory, add_card, sim):
    icharge_configure(fee_percent="2.5")
    customer = factory.customer()
    account = add_card(customer)
    proforma = factory.proforma(customer, "40.00")
    client = portal_login(icharge_app, customer)
    assert "Service fee (2.5%)" in client.get(f"/icharge/pay-proforma?item_id={proforma.id}").get_data(as_text=True)
    client.post(f"/icharge/pay-proforma?item_id={proforma.id}", data={"account_id": account.id})
    assert [e["amount"] for e in sim.app.journal() if e["kind"] == "ProcessPayment"] == [4100]
    with icharge_host.db.transaction() as s:
        payment = s.execute(select(Payment).where(Payment.proforma_id == proforma.id)).scalar_one()
        assert payment.amount == Decimal("41.00")


def test_refill_page_with_a_saved_card_and_with_a_new_one(icharge_app, icharge_host, factory, add_card):
    customer = factory.customer()
    account = add_card(customer)
    client = portal_login(icharge_app, customer)
    page = client.get("/icharge/?amount=25.00").get_data(as_text=True)
    assert "Add money by iCharge" in page and 'value="25.00"' in page
    intent = form_intent(page)
    assert client.post("/icharge/", data={"account_id": account.id, "amount": "abc", "intent": intent}).status_code == 422
    done = client.post("/icharge/", data={"account_id": account.id, "amount": "25.00", "intent": intent},
                       follow_redirects=True).get_data(as_text=True)
    assert "Success! Your transaction has been successfully processed." in done and "BACK TO PORTAL" in done
    intent = form_intent(client.get("/icharge/").get_data(as_text=True))
    done = client.post("/icharge/index", data={**NEW_CARD, "amount": "10.50", "save_card": "1", "intent": intent},
                       follow_redirects=True).get_data(as_text=True)
    assert "Success!" in done
    with icharge_host.db.transaction() as s:
        assert s.get(Customer, customer.id).balance == Decimal("35.50")
        assert set(s.execute(select(Payment.comment).where(Payment.customer_id == customer.id)).scalars()) == {
            "Pay by iCharge"}
    assert [a.last4 for a in _accounts(icharge_host, customer)] == ["1111", "4444"]


def test_dashboard_widgets_are_off_until_enabled(icharge_app, icharge_host, factory):
    customer = factory.customer()
    first = factory.invoice(customer, "30.00")
    factory.invoice(customer, "9.99", status="paid")
    client = portal_login(icharge_app, customer)
    page = client.get("/portal/").get_data(as_text=True)
    assert "Pay your invoices by iCharge" not in page and "Refill balance by iCharge" not in page
    _enable(icharge_host, "icharge_dashboard_invoices", "icharge_dashboard_refill")
    page = client.get("/portal/").get_data(as_text=True)
    assert "Pay your invoices by iCharge" in page and "Refill balance by iCharge" in page
    assert f'data-modal-url="/icharge/pay-invoice?item_id={first.id}"' in page and page.count(">Pay</a>") == 1
    assert 'action="/icharge/"' in page


def test_pages_need_a_login_and_an_enabled_module(icharge_app, icharge_host):
    anonymous = icharge_app.test_client()
    assert anonymous.get("/icharge/cards").status_code == 302
    assert anonymous.get("/icharge/").status_code == 302
    assert anonymous.get("/icharge/admin/customer?customer_id=1").status_code == 302
    icharge_host.registry.set_enabled("icharge", False, "test")
    assert anonymous.get("/icharge/direct-pay-invoice?item_id=1").status_code == 404


def test_adding_a_card_can_switch_the_customers_payment_method(icharge_app, icharge_host, icharge_configure, factory):
    icharge_configure(change_payment_method=True)
    customer = factory.customer()
    portal_login(icharge_app, customer).post("/icharge/cards", data=CARD_FORM)
    with icharge_host.db.transaction() as s:
        assert s.get(Customer, customer.id).payment_method.name == "iCharge credit card"
        assert "iCharge credit card" in set(s.execute(select(PaymentMethod.name)).scalars())
