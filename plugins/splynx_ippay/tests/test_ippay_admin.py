"""Admin side: pay from the customer's profile, the IPpay tab, refunds (CREDIT / REVERSAL)."""

from decimal import Decimal

from sqlalchemy import select

from hostapp.models import Customer, Invoice, Payment, PaymentAttempt, Transaction
from splynx_ippay.models import IppayTransaction
from splynx_testing.gateway import check_pay_icon_follows_saved_account

TEST_CARD = "4111111111111111"


def _admin(ippay_app, factory):
    factory.admin(login="root", password="root-password")
    client = ippay_app.test_client()
    client.post("/admin/login", data={"login": "root", "password": "root-password"})
    return client


def _payment(host, invoice_id):
    with host.db.transaction() as s:
        return s.execute(select(Payment).where(Payment.invoice_id == invoice_id)).scalar_one()


def test_admin_pays_an_invoice_from_the_profile_with_saved_credentials(ippay_app, ippay_host, factory, add_card):
    admin = _admin(ippay_app, factory)
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "45.00")
    billing = admin.get(f"/admin/customers/{customer.id}?tab=billing").get_data(as_text=True)
    assert f'data-modal-url="/ippay/admin/pay-invoice?item_id={invoice.id}"' in billing
    modal = admin.get(f"/ippay/admin/pay-invoice?item_id={invoice.id}").get_data(as_text=True)
    assert "Visa ending 1111" in modal and "Direct payment links" in modal
    done = admin.post(f"/ippay/admin/pay-invoice?item_id={invoice.id}", data={"account_id": account.id})
    assert "Success! Your transaction has been successfully processed." in done.get_data(as_text=True)
    assert _payment(ippay_host, invoice.id).amount == Decimal("45.00")
    with ippay_host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).status == "paid"
        assert s.execute(select(PaymentAttempt.initiated_by)).scalar_one() == "admin:root"
    assert "Paid" in admin.get(f"/admin/customers/{customer.id}?tab=billing").get_data(as_text=True)


def test_admin_cannot_pay_with_another_customers_account(ippay_app, factory, add_card):
    admin = _admin(ippay_app, factory)
    stranger_account = add_card(factory.customer())
    invoice = factory.invoice(factory.customer(), "45.00")
    page = admin.post(f"/ippay/admin/pay-invoice?item_id={invoice.id}",
                      data={"account_id": stranger_account.id}).get_data(as_text=True)
    assert "Choose one of the saved payment accounts." in page


def test_ippay_tab_shows_accounts_masked_and_refunds_a_card_payment(ippay_app, ippay_host, factory, add_card, sim):
    admin = _admin(ippay_app, factory)
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "45.00")
    admin.post(f"/ippay/admin/pay-invoice?item_id={invoice.id}", data={"account_id": account.id})
    tab = admin.get(f"/ippay/admin/customer?customer_id={customer.id}").get_data(as_text=True)
    assert "Visa ending 1111" in tab and TEST_CARD not in tab and account.token not in tab
    assert 'href="/ippay/admin/customer?customer_id=' in admin.get(f"/admin/customers/{customer.id}").get_data(
        as_text=True)
    payment = _payment(ippay_host, invoice.id)
    response = admin.post("/ippay/admin/refund", data={"payment_id": payment.id, "amount": "15.00"})
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Refunded 15.00" in page
    credit = [e for e in sim.app.journal() if e["type"] == "CREDIT"]
    assert [(e["amount"], e["action_code"]) for e in credit] == [("1500", "000")]
    with ippay_host.db.transaction() as s:
        refund = s.execute(select(Payment).where(Payment.refund_of_id == payment.id)).scalar_one()
        line = s.execute(select(Transaction).where(Transaction.payment_id == refund.id)).scalar_one()
        attempt = s.execute(select(PaymentAttempt).where(PaymentAttempt.target_kind == "refund")).scalar_one()
        # a linked CREDIT echoes the sale's TransactionID: the refund is booked under its own attempt key
        assert credit[0]["transaction_id"] == payment.gateway_reference
        assert (refund.amount, refund.comment, refund.gateway_reference) == (Decimal("-15.00"), "Refund by IPpay",
                                                                             attempt.key)
        assert (line.type, line.total, line.category.name) == ("debit", Decimal("15.00"), "Refund")
        assert s.get(Customer, customer.id).balance == Decimal("-15.00")
    admin.post("/ippay/admin/refund", data={"payment_id": payment.id, "amount": "30.01"})
    assert "Enter an amount between 0.01 and 30.00" in admin.get(
        f"/ippay/admin/customer?customer_id={customer.id}").get_data(as_text=True)
    admin.post("/ippay/admin/refund", data={"payment_id": payment.id, "amount": "30.00"})
    with ippay_host.db.transaction() as s:
        assert s.execute(select(PaymentAttempt.status).where(PaymentAttempt.target_kind == "invoice")
                         ).scalar_one() == "refunded"


def test_bank_payment_is_refunded_with_a_reversal(ippay_app, ippay_host, factory, add_bank, sim):
    customer = factory.customer()
    account = add_bank(customer)
    invoice = factory.invoice(customer, "20.00")
    ippay_host.payments.pay(gateway="ippay", customer_id=customer.id, target_kind="invoice",
                            target_id=invoice.id, account_id=account.id)
    outcome = ippay_host.payments.refund(gateway="ippay", payment_id=_payment(ippay_host, invoice.id).id,
                                         amount=Decimal("20.00"), initiated_by="admin:x")
    assert outcome.status.value == "approved"
    assert [e["type"] for e in sim.app.journal()] == ["TOKENIZE", "CHECK", "REVERSAL"]


def test_unconfirmed_refund_blocks_another_and_is_settled_by_an_admin(ippay_app, ippay_host, factory, add_card, sim):
    admin = _admin(ippay_app, factory)
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "45.00")
    admin.post(f"/ippay/admin/pay-invoice?item_id={invoice.id}", data={"account_id": account.id})
    payment = _payment(ippay_host, invoice.id)
    sim.faults.arm("timeout_after_charge", only="CREDIT")
    admin.post("/ippay/admin/refund", data={"payment_id": payment.id, "amount": "10.00"})
    tab = admin.get(f"/ippay/admin/customer?customer_id={customer.id}").get_data(as_text=True)
    assert "IPpay did not confirm the refund" in tab and "Refund was made" in tab
    admin.post("/ippay/admin/refund", data={"payment_id": payment.id, "amount": "5.00"})
    assert "already in progress" in admin.get(f"/ippay/admin/customer?customer_id={customer.id}").get_data(
        as_text=True)
    with ippay_host.db.transaction() as s:
        row = s.execute(select(IppayTransaction).where(IppayTransaction.status == "unknown")).scalar_one()
    admin.post("/ippay/admin/refund/settle", data={"reference": row.reference, "made": "1"})
    with ippay_host.db.transaction() as s:
        refund = s.execute(select(Payment).where(Payment.refund_of_id == payment.id)).scalar_one()
        assert refund.amount == Decimal("-10.00")
        assert s.get(IppayTransaction, row.id).status == "approved"


def test_a_card_payment_that_cannot_be_linked_is_refunded_by_token(ippay_app, ippay_host, factory, add_card, sim):
    """No sale to link (not in the journal): an unlinked CREDIT by token under the refund's own key, settled by ENQ."""
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "20.00")
    ippay_host.payments.pay(gateway="ippay", customer_id=customer.id, target_kind="invoice", target_id=invoice.id,
                            account_id=account.id)
    payment = _payment(ippay_host, invoice.id)
    with ippay_host.db.transaction() as s:  # booked before the add-on kept a journal
        s.delete(s.execute(select(IppayTransaction).where(IppayTransaction.reference == payment.gateway_reference))
                 .scalar_one())
    sim.faults.arm("timeout_after_charge", only="CREDIT")
    outcome = ippay_host.payments.refund(gateway="ippay", payment_id=payment.id, amount=Decimal("20.00"),
                                         initiated_by="admin:x")
    assert outcome.approved, outcome.message
    with ippay_host.db.transaction() as s:
        key = s.execute(select(PaymentAttempt.key).where(PaymentAttempt.target_kind == "refund")).scalar_one()
        row = s.execute(select(IppayTransaction).where(IppayTransaction.reference == key)).scalar_one()
        assert (row.transaction_type, row.transaction_id, row.status) == ("CREDIT", key, "approved")
    assert [(e["type"], e["transaction_id"]) for e in sim.app.journal()][-2:] == [("CREDIT", key), ("ENQ", key)]


def test_the_admin_pay_icon_shows_only_for_a_customer_with_a_saved_account(ippay_app, factory, add_card):
    check_pay_icon_follows_saved_account(_admin(ippay_app, factory), factory, add_card, "/ippay/admin/pay-invoice")
