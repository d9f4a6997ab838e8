"""The iCharge walkthrough (product brief, iCharge document) in a real browser against the xServ simulator.

Every step of the document: the add-on installed (registered with ``install_addon``: the
Add-ons page install flow is another part of the host), configured in Modules list with
the server IP to register at Xilo, "Pay by iCharge" on unpaid invoices, entry points
enabled in Edit entry points, paying from the dashboard, refilling from ``/icharge/`` and
from the dashboard, cards saved in Finance and from the payment window, and "charge all"
from Finance → Invoices through the host's Charge dialog.
The live server is built after the add-on is installed, so its routes exist.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from hostapp.models import Customer, Invoice, ModuleSetting, PaymentAccount
from splynx_testing.browser import LiveServer, admin_login, assert_fits_phone, modal_layer, portal_page_for, screenshot

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    screenshot(page, "icharge", name)


@pytest.fixture
def server(icharge_host):
    live = LiveServer(icharge_host)
    yield live
    live.stop()


def _status(host, invoice) -> str:
    with host.db.transaction() as s:
        return s.get(Invoice, invoice.id).status


def _cards(host, customer) -> list[str]:
    with host.db.transaction() as s:
        return [f"{a.brand} {a.last4}" for a in s.execute(select(PaymentAccount).where(
            PaymentAccount.customer_id == customer.id).order_by(PaymentAccount.id)).scalars()]


def _fill_new_card(frame, number: str, cvv: str = "123") -> None:
    frame.get_by_label("Cardholder name").fill("Tofu Beast")
    frame.get_by_label("Card number").fill(number)
    frame.get_by_label("Expiry month").select_option("10")
    frame.get_by_label("Expiry year").select_option("2030")
    frame.get_by_label("CVV").fill(cvv)


def _enable_point(page: Page, server: LiveServer, title: str) -> None:
    """Modules list → Splynx iCharge Add-on → Edit entry points: tick Enabled on one point and save it."""
    page.goto(f"{server.url}/admin/config/integrations/modules")
    page.locator("tr[data-module=splynx_icharge_addon]").get_by_role("link", name="Edit entry points").click()
    point = page.locator("form.point-config", has_text=f"Point config · {title}")
    point.get_by_label("Enabled", exact=True).check()
    point.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("saved")
    expect(page.locator("form.point-config", has_text=f"Point config · {title}").locator(".badge").first) \
        .to_have_text("Enabled")


def test_install_and_configure_in_modules_list(page, server, icharge_host, factory, sim):
    admin_login(page, server, factory)
    page.locator("aside").get_by_role("link", name="Modules list").click()
    row = page.locator("tr[data-module=splynx_icharge_addon]")
    expect(row).to_contain_text("Splynx iCharge Add-on")
    row.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Merchant ID").fill("XILOTEST")
    page.get_by_label("API key").fill("sk_test_icharge")
    page.get_by_label("Mode").select_option("test")
    page.get_by_label("Gateway URL").fill(sim.url)
    server_ip = page.get_by_label("Server IP address")
    expect(server_ip).to_have_attribute("readonly", "")
    expect(server_ip).not_to_have_value("")
    expect(page.locator("#addon-settings")).to_contain_text("add this one there")
    page.get_by_label("Currency").select_option("AUD")
    page.get_by_label("Payment method", exact=True).select_option(label="iCharge credit card")
    shot(page, "01-module-settings")
    page.locator("#addon-settings").get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("Settings saved.")
    expect(page.locator(".secret-tag").first).to_contain_text("hidden encrypted value")
    expect(page.get_by_label("API key")).to_have_value("")  # never echoed back
    with icharge_host.db.transaction() as s:
        key = s.execute(select(ModuleSetting).where(ModuleSetting.key == "api_key",
                                                    ModuleSetting.partner_id == 0)).scalar_one()
        assert key.encrypted and "sk_test_icharge" not in key.value


def test_pay_by_icharge_button_with_a_new_card_saved_from_the_payment_window(page, server, icharge_host, factory):
    customer = factory.customer(name="Tofu Beast")
    invoice = factory.invoice(customer, "39.99")
    portal_page_for(page, server, customer)
    page.get_by_role("link", name="Invoices", exact=True).click()
    row = page.locator(f"tr[data-number='{invoice.number}']")
    expect(row.locator(".status")).to_have_text("Unpaid")
    shot(page, "02-invoices-pay-by-icharge")
    row.get_by_role("link", name="Pay by iCharge").click()
    modal = modal_layer(page)
    expect(modal.locator(".pay-quote")).to_contain_text("39.99")
    expect(modal.get_by_label("Pay with")).to_have_value("new")
    _fill_new_card(modal, "5555 5555 5555 4444")
    modal.get_by_label("Save this card for future payments").check()
    shot(page, "03-payment-window-new-card")
    modal.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(modal.locator(".pay-result")).to_contain_text("Success! Your transaction has been successfully processed. Amount: ")
    shot(page, "04-payment-success")
    modal_layer(page, -1).locator("[data-modal-close]").click()
    expect(page.locator(f"tr[data-number='{invoice.number}'] .status")).to_have_text("Paid")
    assert _status(icharge_host, invoice) == "paid"
    assert _cards(icharge_host, customer) == ["Mastercard 4444"]
    other = factory.invoice(customer, "12.00")
    page.reload()
    page.locator(f"tr[data-number='{other.number}']").get_by_role("link", name="Pay by iCharge").click()
    modal = modal_layer(page)
    expect(modal.get_by_label("Pay with")).to_have_value(re.compile(r"^\d+$"))  # the saved card is offered first
    expect(modal.locator("#new-card")).to_be_hidden()
    shot(page, "05-payment-window-saved-card")
    modal.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(modal.locator(".pay-result")).to_contain_text("Success!")
    assert _status(icharge_host, other) == "paid"


def test_enable_dashboard_entry_points_then_pay_and_refill_from_the_dashboard(page, server, icharge_host, factory,
                                                                             add_card):
    admin = page.context.new_page()
    admin_login(admin, server, factory)
    _enable_point(admin, server, "Pay your invoices by iCharge")
    _enable_point(admin, server, "Refill balance by iCharge")
    shot(admin, "06-edit-entry-points")
    customer = factory.customer()
    add_card(customer)
    invoice = factory.invoice(customer, "29.99")
    portal_page_for(page, server, customer)
    widget = page.locator("section.widget", has_text="Pay your invoices by iCharge")
    expect(widget).to_contain_text(invoice.number)
    shot(page, "07-dashboard-widgets")
    widget.get_by_role("link", name="Pay").click()
    modal = modal_layer(page)
    modal.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(modal.locator(".pay-result")).to_contain_text("Success! Your transaction has been successfully processed. Amount: ")
    modal_layer(page, -1).locator("[data-modal-close]").click()
    expect(page.locator("section.widget", has_text="Pay your invoices by iCharge")).to_contain_text(
        "no unpaid invoices")
    assert _status(icharge_host, invoice) == "paid"
    refill = page.locator("section.widget", has_text="Refill balance by iCharge")
    refill.get_by_label("Amount").fill("15.00")
    refill.get_by_role("button", name="Refill").click()
    expect(page.get_by_role("heading", name="Add money by iCharge")).to_be_visible()
    expect(page.get_by_label("Amount")).to_have_value("15.00")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".pay-result")).to_contain_text("Success! Your transaction has been successfully processed. Amount: ")
    page.get_by_role("link", name="BACK TO PORTAL").click()
    expect(page.locator("section.widget", has_text="Refill balance by iCharge")).to_contain_text("15.00")
    with icharge_host.db.transaction() as s:
        assert s.get(Customer, customer.id).balance == Decimal("15.00")


def test_refill_at_icharge_with_a_saved_and_a_new_card(page, server, icharge_host, factory, add_card):
    customer = factory.customer()
    add_card(customer)
    portal_page_for(page, server, customer)
    page.goto(f"{server.url}/icharge/")
    expect(page.get_by_role("heading", name="Add money by iCharge")).to_be_visible()
    page.get_by_label("Amount").fill("25.00")
    page.get_by_label("Pay with").select_option(label="Visa ending 1111 (exp. 12/2031) (default)")
    shot(page, "08-refill")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".pay-result")).to_contain_text("Success! Your transaction has been successfully processed. Amount: ")
    expect(page.locator(".topbar")).to_contain_text("balance 25.00")
    shot(page, "09-refill-success")
    page.goto(f"{server.url}/icharge/")
    page.get_by_label("Amount").fill("10.00")
    page.get_by_label("Pay with").select_option("new")
    _fill_new_card(page, "4000000000009995")  # the simulator's "insufficient funds" card
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert").first).to_contain_text("Insufficient funds (51)")
    with icharge_host.db.transaction() as s:
        assert s.get(Customer, customer.id).balance == Decimal("25.00")


def test_save_and_manage_cards_in_finance(page, server, icharge_host, factory):
    customer = factory.customer(name="Tofu Beast")
    portal_page_for(page, server, customer)
    page.locator("aside.sidebar").get_by_role("button", name="Credit card").click()  # Finance → Credit card
    page.get_by_role("link", name="iCharge payment cards").click()
    frame = page.locator("#addon-panel")
    for number in ("4111 1111 1111 1111", "4242424242424242"):
        form = frame.locator("#add-card")
        form.get_by_label("Cardholder name").fill("Tofu Beast")
        form.get_by_label("Card number").fill(number)
        form.get_by_label("Expiry month").select_option("12")
        form.get_by_label("Expiry year").select_option("2031")
        form.get_by_role("button", name="Add card").click()
        expect(frame.get_by_role("alert").first).to_contain_text(f"ending {number[-4:]} (exp. 12/2031) was saved.")
    table = frame.locator("table.icharge-cards")
    expect(table.locator("tr[data-card='1111']")).to_contain_text("Default")
    table.locator("tr[data-card='4242']").get_by_role("button", name="Make default").click()
    expect(frame.locator("table.icharge-cards tr[data-card='4242']")).to_contain_text("Default")
    shot(page, "10-finance-cards")
    frame.locator("table.icharge-cards tr[data-card='1111']").get_by_role("button", name="Remove card").click()
    modal_layer(page, -1).get_by_role("button", name="OK, confirm").click()
    expect(frame.get_by_role("alert").first).to_contain_text("The card was removed.")
    assert _cards(icharge_host, customer) == ["Visa 4242"]
    assert "4242424242424242" not in frame.inner_html()


def test_direct_link_pays_an_invoice_without_login(page, server, icharge_host, factory):
    invoice = factory.invoice(factory.customer(), "59.00")
    page.goto(f"{server.url}/icharge/direct-pay-invoice?item_id={invoice.number}")
    page.get_by_label("Invoice total").fill("59.00")  # an unsigned link: the holder confirms the total
    shot(page, "10b-direct-link-confirm")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#pay-saved")).to_have_count(0)
    card = page.locator("#pay-card")
    card.get_by_label("Cardholder name").fill("Jane Payer")
    card.get_by_label("Card number").fill("4242424242424242")
    card.get_by_label("Expiry month").select_option("11")
    card.get_by_label("Expiry year").select_option("2030")
    card.get_by_label("CVV").fill("123")
    card.get_by_role("button", name="Pay 59.00").click()
    expect(page.locator(".pay-result")).to_contain_text("Success! Your transaction has been successfully processed. Amount: ")
    shot(page, "11-direct-link-success")
    assert _status(icharge_host, invoice) == "paid"


def test_charge_all_from_finance_invoices(page, server, icharge_host, factory, add_card):
    """Finance → Invoices → set the period → Charge with the iCharge handler ("direct debit orders")."""
    customers = [factory.customer() for _ in range(3)]
    for customer in customers[:2]:
        add_card(customer)
    invoices = [factory.invoice(customer, "30.00") for customer in customers]
    admin_login(page, server, factory)
    page.goto(f"{server.url}/admin/finance/invoices")
    day = invoices[0].date_created.isoformat()
    page.get_by_label("Period from").fill(day)
    page.get_by_label("Period to").fill(day)
    page.get_by_role("button", name="Filter").click()
    page.locator(".page-head").get_by_role("link", name="Charge").click()
    dialog = modal_layer(page)
    dialog.get_by_label("External handler").select_option("icharge")
    dialog.get_by_role("button", name="Preview").click()
    expect(dialog.locator("[data-preview=count]")).to_have_text("3")
    shot(page, "12-charge-dialog")
    dialog.get_by_role("button", name="Charge", exact=True).click()
    modal_layer(page, -1).get_by_role("button", name="Charge").click()
    expect(dialog.locator("[data-job-status]")).to_have_text("succeeded", timeout=30000)
    results = dialog.locator("table.charge-results")
    expect(results).to_contain_text("Customer payment account is empty!")
    expect(results).to_contain_text("pay_")  # xServ payment ids of the two approved charges
    shot(page, "13-charge-batch")
    assert [_status(icharge_host, i) for i in invoices] == ["paid", "paid", "not_paid"]


def test_saved_cards_and_the_payment_window_work_on_a_phone(phone, server, icharge_host, factory, add_card):
    customer = factory.customer(name="Tofu Beast")
    add_card(customer)
    add_card(customer, "4242424242424242")
    invoice = factory.invoice(customer, "39.99")
    page = portal_page_for(phone, server, customer)
    page.get_by_role("button", name="Menu").click()
    page.locator("aside.sidebar").get_by_role("button", name="Credit card").click()  # Finance → Credit card
    page.get_by_role("link", name="iCharge payment cards").click()
    table = page.locator("#addon-panel table.icharge-cards")
    expect(table.locator("tr[data-card='4242']").get_by_role("button", name="Make default")).to_be_visible()
    assert_fits_phone(page)  # each card a stacked row: Default and Remove card without a sideways swipe
    shot(page, "20-phone-cards")

    page.goto(f"{server.url}/portal/finance/invoices")
    page.locator(f"tr[data-number='{invoice.number}']").get_by_role("link", name="Pay by iCharge").click()
    modal = modal_layer(page)
    expect(modal.locator(".pay-quote")).to_contain_text("39.99")
    modal.get_by_label("Pay with").select_option("new")
    save = modal.get_by_label("Save this card for future payments")
    expect(save).to_be_visible()
    assert_fits_phone(page)  # the "Save this card" check box is tapped through its 40 px label
    save.scroll_into_view_if_needed()
    shot(page, "21-phone-payment-window-save-card")
