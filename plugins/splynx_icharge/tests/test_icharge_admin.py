"""Admin side: pay from the customer's profile with the saved card, the iCharge tab, settings, CLI."""

from decimal import Decimal
from types import SimpleNamespace

from click.testing import CliRunner
from markupsafe import escape
from sqlalchemy import select

from hostapp.models import Invoice, ModuleSetting, PaymentAttempt
from splynx_icharge.cli import icharge
from splynx_icharge.server_ip import outgoing_address, server_ip_text
from splynx_testing.gateway import check_pay_icon_follows_saved_account


def _admin(app, factory):
    factory.admin(login="root", password="root-password")
    client = app.test_client()
    client.post("/admin/login", data={"login": "root", "password": "root-password"})
    return client


def test_admin_pays_an_invoice_with_the_saved_card_and_sees_the_icharge_tab(icharge_app, icharge_host, factory,
                                                                           add_card):
    admin = _admin(icharge_app, factory)
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "45.00")
    billing = admin.get(f"/admin/customers/{customer.id}?tab=billing").get_data(as_text=True)
    assert f'data-modal-url="/icharge/admin/pay-invoice?item_id={invoice.id}"' in billing
    modal = admin.get(f"/icharge/admin/pay-invoice?item_id={invoice.id}").get_data(as_text=True)
    assert "Visa ending 1111" in modal and "Direct payment links" in modal and "/icharge/direct-pay-invoice" in modal
    done = admin.post(f"/icharge/admin/pay-invoice?item_id={invoice.id}", data={"account_id": account.id})
    assert "Success! Your transaction has been successfully processed." in done.get_data(as_text=True)
    with icharge_host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).status == "paid"
        assert s.execute(select(PaymentAttempt.initiated_by)).scalar_one() == "admin:root"
    tab = admin.get(f"/icharge/admin/customer?customer_id={customer.id}").get_data(as_text=True)
    assert "Visa ending 1111" in tab and "45.00" in tab and "answered" in tab and account.token not in tab


def test_admin_cannot_pay_with_another_customers_card(icharge_app, factory, add_card):
    admin = _admin(icharge_app, factory)
    stranger_account = add_card(factory.customer())
    invoice = factory.invoice(factory.customer(), "45.00")
    page = admin.post(f"/icharge/admin/pay-invoice?item_id={invoice.id}",
                      data={"account_id": stranger_account.id}).get_data(as_text=True)
    assert "Choose one of the saved payment accounts." in page


def test_settings_form_shows_the_server_ip_to_register_and_seals_the_api_key(icharge_app, icharge_host, factory):
    admin = _admin(icharge_app, factory)
    page = admin.get("/admin/config/integrations/modules/splynx_icharge_addon").get_data(as_text=True)
    for text in ("Merchant ID", "API key", "Mode", "Gateway URL", "Server IP address", "Payment method",
                 "add this one there", "Currency"):
        assert text in page
    assert f'value="{escape(server_ip_text())}" readonly' in page and 'name="server_ip"' not in page
    address = outgoing_address()
    assert address is None or address in server_ip_text()
    saved = admin.post("/admin/config/integrations/modules/splynx_icharge_addon", data={
        "form": "settings", "merchant_id": "M42", "api_key": "sk_live_secret", "mode": "live", "gateway_url": "",
        "currency": "NZD", "payment_method": "", "change_payment_method": "0", "fee_percent": "0",
        "fee_category": "", "direct_link_days": "30", "connect_timeout": "5", "read_timeout": "60",
        "server_ip": "6.6.6.6"})
    assert saved.status_code == 302
    with icharge_host.db.transaction() as s:
        rows = {r.key: r for r in s.execute(select(ModuleSetting).where(ModuleSetting.addon_id == "icharge"))
                .scalars()}
    assert rows["api_key"].encrypted and "sk_live_secret" not in rows["api_key"].value
    assert "server_ip" not in rows and rows["currency"].value == '"NZD"'
    page = admin.get("/admin/config/integrations/modules/splynx_icharge_addon").get_data(as_text=True)
    assert "sk_live_secret" not in page and "hidden encrypted value" in page


def test_cli_ping_reports_the_merchant_account(icharge_host, icharge_configure):
    runner = CliRunner()
    result = runner.invoke(icharge, ["ping"], obj=SimpleNamespace(host=icharge_host))
    assert result.exit_code == 0, result.output
    assert "merchant XILOTEST (test, active), client account balance 1250 AUD" in result.output
    icharge_configure(api_key="sk_wrong")
    result = runner.invoke(icharge, ["ping"], obj=SimpleNamespace(host=icharge_host))
    assert result.exit_code != 0 and "unauthorized" in result.output


def test_unconfigured_add_on_declines_without_calling_xilo(icharge_app, icharge_host, factory, add_card, sim):
    customer = factory.customer()
    add_card(customer)
    with icharge_host.db.transaction() as s:
        for row in s.execute(select(ModuleSetting).where(ModuleSetting.key == "merchant_id")).scalars():
            s.delete(row)
    invoice = factory.invoice(customer, Decimal("30.00"))
    from splynx_testing.fixtures import portal_login

    page = portal_login(icharge_app, customer).post(f"/icharge/pay-invoice?item_id={invoice.id}",
                                                   data={"account_id": "new", "holder": "A B", "exp_month": "12",
                                                         "exp_year": "2031", "cvv": "123",
                                                         "card_number": "4111111111111111"})
    assert "iCharge is not configured yet" in page.get_data(as_text=True)
    assert [e["kind"] for e in sim.app.journal()] == ["CreateToken"]


def test_admin_refunds_a_card_payment_from_its_row(icharge_app, icharge_host, factory, add_card, sim):
    from hostapp.models import Payment
    from splynx_testing.gateway import form_intent

    admin = _admin(icharge_app, factory)
    customer = factory.customer()
    invoice = factory.invoice(customer, "45.00")
    outcome = icharge_host.payments.pay(gateway="icharge", customer_id=customer.id, target_kind="invoice",
                                        target_id=invoice.id, account_id=add_card(customer).id)
    intent = form_intent(admin.get("/admin/finance/payments").get_data(as_text=True))
    done = admin.post(f"/admin/finance/payments/{outcome.payment_id}/refund", follow_redirects=True,
                      data={"amount": "20.00", "reason": "Moved out", "intent": intent}).get_data(as_text=True)
    assert "Refunded 20.00 $ of payment" in done and "through icharge" in done
    [refund] = [e for e in sim.app.journal() if e["kind"] == "ProcessRefund"]
    assert (refund["amount"], refund["status"]) == (2000, "approved")
    with icharge_host.db.transaction() as s:
        booked = s.execute(select(Payment).where(Payment.refund_of_id == outcome.payment_id)).scalar_one()
        assert (booked.amount, booked.comment) == (Decimal("-20.00"), "Refund by iCharge: Moved out")


def test_the_admin_pay_icon_shows_only_for_a_customer_with_a_saved_account(icharge_app, factory, add_card):
    check_pay_icon_follows_saved_account(_admin(icharge_app, factory), factory, add_card, "/icharge/admin/pay-invoice")
