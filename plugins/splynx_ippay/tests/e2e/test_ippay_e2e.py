"""The seed walkthroughs in a real browser (Debian chromium) against the IPpay simulator.

The live server is built after the add-on is installed, so its routes exist.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from hostapp.models import Customer, Invoice, ModuleSetting
from tests.images import png
from splynx_testing.browser import LiveServer, admin_login, assert_fits_phone, modal_layer, portal_page_for, screenshot

pytestmark = pytest.mark.e2e

#: an 8 x 8 PNG, the ISP's logo
LOGO = png(8, 8)


def shot(page: Page, name: str) -> None:
    screenshot(page, "ippay", name)


@pytest.fixture
def server(ippay_host):
    live = LiveServer(ippay_host)
    yield live
    live.stop()


def _status(host, invoice) -> str:
    with host.db.transaction() as s:
        return s.get(Invoice, invoice.id).status


def test_admin_configures_the_module_in_modules_list(page, server, ippay_host, factory, sim):
    admin_login(page, server, factory)
    page.locator("aside").get_by_role("link", name="Modules list").click()
    row = page.locator("tr[data-module=splynx_ippay_addon]")
    expect(row).to_contain_text("Splynx IPpay add-on")
    row.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Terminal ID").fill("TESTTERMINAL")
    page.get_by_label("Gateway URL").fill(sim.url)
    page.get_by_label("Mode").select_option("test")
    page.get_by_label("Credit card payment method").select_option(label="IPpay credit card")
    page.get_by_label("Bank account payment method").select_option(label="IPpay bank account")
    page.get_by_label("Service fee, %").fill("1.5")
    page.get_by_label("Transaction fee category").select_option(label="Service")
    shot(page, "01-module-settings")
    page.locator("#addon-settings").get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("Settings saved.")
    expect(page.locator(".secret-tag").first).to_contain_text("hidden encrypted value")
    with ippay_host.db.transaction() as s:
        terminal = s.execute(select(ModuleSetting).where(ModuleSetting.key == "terminal_id",
                                                         ModuleSetting.partner_id == 0)).scalar_one()
        assert terminal.encrypted and "TESTTERMINAL" not in terminal.value
    expect(page.get_by_label("Terminal ID")).to_have_value("")  # never echoed back


def test_customer_adds_a_card_and_a_bank_account(page, server, ippay_host, factory):
    customer = factory.customer(name="Tofu Beast")
    portal_page_for(page, server, customer)
    # the document: "add a credit card in the customer portal under Finance / Credit card"
    page.locator("aside.sidebar").get_by_role("button", name="Credit card").click()
    page.get_by_role("link", name="IpPay payment credentials").click()
    expect(page.locator("aside.sidebar").get_by_role("button", name="Credit card")).to_have_attribute("aria-expanded", "true")
    frame = page.locator("#addon-panel")
    card = frame.locator("#add-card")
    card.get_by_label("Cardholder name").fill("Tofu Beast")
    card.get_by_label("Card number").fill("4111 1111 1111 1111")
    card.get_by_label("Expiry month").select_option("12")
    card.get_by_label("Expiry year").select_option("2031")
    card.get_by_role("button", name="Add card").click()
    expect(frame.get_by_role("alert").first).to_contain_text("Visa ending 1111 (exp. 12/2031) was saved.")
    bank = frame.locator("#add-bank")
    bank.get_by_label("First name").fill("Tofu")
    bank.get_by_label("Last name").fill("Beast")
    bank.get_by_label("Account number").fill("84736251")
    bank.get_by_label("Routing code (ABA)").fill("071025661")
    bank.get_by_label("Bank account type").select_option("CHECKING")
    bank.get_by_role("button", name="Add bank account").click()
    expect(frame.locator("table.ippay-accounts")).to_contain_text("Checking ending 6251")
    expect(frame.locator("table.ippay-accounts")).to_contain_text("Default")
    shot(page, "02-credentials")
    assert "84736251" not in frame.inner_html()


def _pay_in_modal(page: Page, account_label: str | None = None) -> None:
    modal = modal_layer(page)
    expect(modal.locator(".pay-quote")).to_contain_text("Total to pay")
    if account_label:
        modal.get_by_label("Account type").select_option(label=account_label)
    modal.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(modal.locator(".pay-result")).to_contain_text("Success! Your transaction has been successfully processed. Amount: ")


def test_customer_pays_an_invoice_from_finance_invoices(page, server, ippay_host, factory, add_card, add_bank):
    customer = factory.customer()
    add_card(customer)
    add_bank(customer)
    invoice = factory.invoice(customer, "39.99")
    portal_page_for(page, server, customer)
    page.get_by_role("link", name="Invoices", exact=True).click()
    row = page.locator(f"tr[data-number='{invoice.number}']")
    expect(row.locator(".status")).to_have_text("Unpaid")
    row.get_by_role("link", name="Pay by IPpay").click()
    modal = modal_layer(page)
    expect(modal.locator(".pay-quote")).to_contain_text("Invoice amount")
    expect(modal.locator(".pay-quote")).to_contain_text("39.99")
    shot(page, "03-pay-modal")
    _pay_in_modal(page, "Bank account · Checking ending 6251")
    shot(page, "04-pay-success")
    modal_layer(page, -1).locator("[data-modal-close]").click()
    expect(page.locator(f"tr[data-number='{invoice.number}'] .status")).to_have_text("Paid")
    shot(page, "05-invoice-paid-portal")
    assert _status(ippay_host, invoice) == "paid"
    admin = page.context.new_page()
    admin_login(admin, server, factory)
    admin.goto(f"{server.url}/admin/finance/invoices")
    expect(admin.locator(f"tr[data-number='{invoice.number}'] .status")).to_have_text("Paid")
    shot(admin, "06-invoice-paid-admin")


def test_customer_pays_from_the_dashboard_widget(page, server, ippay_host, factory, add_card):
    customer = factory.customer()
    add_card(customer)
    invoice = factory.invoice(customer, "29.99")
    portal_page_for(page, server, customer)
    widget = page.locator("section.widget", has_text="Pay your invoices by IPpay")
    expect(widget).to_contain_text(invoice.number)
    shot(page, "07-dashboard-widget")
    widget.get_by_role("link", name="Pay").click()
    _pay_in_modal(page)
    modal_layer(page, -1).locator("[data-modal-close]").click()
    expect(page.locator("section.widget", has_text="Pay your invoices by IPpay")).to_contain_text(
        "no unpaid invoices")
    assert _status(ippay_host, invoice) == "paid"


def test_customer_refills_the_balance_at_ippay(page, server, ippay_host, factory, add_card):
    customer = factory.customer()
    add_card(customer)
    portal_page_for(page, server, customer)
    page.goto(f"{server.url}/ippay")
    expect(page.get_by_role("heading", name="Add money by IpPay")).to_be_visible()
    page.get_by_label("Account type").select_option(label="Credit card · Visa ending 1111 (exp. 12/2031) (default)")
    page.get_by_label("Amount").fill("25.00")
    shot(page, "08-refill")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".pay-result")).to_contain_text("Success! Your transaction has been successfully processed. Amount: ")
    expect(page.locator(".topbar")).to_contain_text("balance 25.00")
    shot(page, "09-refill-success")
    page.get_by_role("link", name="BACK TO PORTAL").click()
    expect(page.locator("[data-balance]")).to_contain_text("25.00")
    with ippay_host.db.transaction() as s:
        assert s.get(Customer, customer.id).balance == Decimal("25.00")


def test_admin_pays_from_the_customer_profile(page, server, ippay_host, factory, add_card):
    customer = factory.customer(name="Ada Lovelace")
    add_card(customer)
    invoice = factory.invoice(customer, "89.00")
    admin_login(page, server, factory)
    page.goto(f"{server.url}/admin/customers/{customer.id}?tab=billing")
    page.locator(f"tr[data-number='{invoice.number}']").get_by_role(
        "link", name="Pay by IPpay (saved credentials)").click()
    modal = modal_layer(page)
    expect(modal.get_by_role("heading", name="Pay with the customer’s saved credentials")).to_be_visible()
    shot(page, "10-admin-pay-modal")
    _pay_in_modal(page)
    modal_layer(page, -1).locator("[data-modal-close]").click()
    expect(page.locator(f"tr[data-number='{invoice.number}'] .status")).to_have_text("Paid")
    page.get_by_role("link", name="IPpay").click()
    expect(page.locator("table.ippay-accounts")).to_contain_text("Visa ending 1111")
    expect(page.locator("table.ippay-payments")).to_contain_text("89.00")
    shot(page, "11-admin-ippay-tab")
    page.locator("table.ippay-payments input[name=amount]").fill("9.00")
    page.locator("table.ippay-payments").get_by_role("button", name="Refund").click()
    modal_layer(page, -1).get_by_role("button", name="OK, confirm").click()
    expect(page.get_by_role("alert").first).to_contain_text("Refunded 9.00")
    expect(page.locator("table.ippay-journal")).to_contain_text("CREDIT")
    shot(page, "12-admin-refund")


def test_direct_link_pays_an_invoice_without_login(page, server, ippay_host, factory, add_card):
    customer = factory.customer()
    add_card(customer)
    invoice = factory.invoice(customer, "59.00")
    other = factory.invoice(customer, "19.00")
    # Config → Main → Company: the ISP's name and logo head the public pay page
    admin = page.context.new_page()
    admin_login(admin, server, factory)
    admin.get_by_role("link", name="Company").click()
    admin.get_by_label("ISP name").fill("Northwind Broadband")
    admin.get_by_label("Upload a logo").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": LOGO}])
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator(".alert-success")).to_have_text("Company details saved: Northwind Broadband.")
    admin.close()
    page.goto(f"{server.url}/ippay/direct-pay-invoice?item_id={invoice.number}")
    expect(page.locator(".public-head")).to_contain_text("Northwind Broadband")
    assert page.locator(".public-head img.isp-logo").evaluate("(img) => img.complete && img.naturalWidth") == 8
    page.get_by_label("Invoice total").fill("59.00")  # an unsigned link: the holder confirms the total
    shot(page, "12b-direct-link-confirm")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#pay-saved")).to_have_count(0)  # no signature: saved cards stay out of reach
    card = page.locator("#pay-card")
    card.get_by_label("Cardholder name").fill("Jane Payer")
    card.get_by_label("Card number").fill("4242424242424242")
    card.get_by_label("Expiry month").select_option("11")
    card.get_by_label("Expiry year").select_option("2030")
    card.get_by_label("CVV").fill("123")
    shot(page, "13-direct-link")
    card.get_by_role("button", name="Pay 59.00").click()
    expect(page.locator(".pay-result")).to_contain_text("Success! Your transaction has been successfully processed. Amount: ")
    shot(page, "14-direct-link-success")
    assert _status(ippay_host, invoice) == "paid"
    signed = ippay_host.direct_links.url(f"{server.url}/ippay/direct-pay-invoice-by-id", "invoice",
                                                  other.id, other.id)
    page.goto(signed)
    page.locator("#pay-saved").get_by_role("button", name="Pay 19.00").click()
    expect(page.locator(".pay-result")).to_contain_text("Success!")
    assert _status(ippay_host, other) == "paid"


def test_a_declined_card_shows_why_in_the_modal(page, server, ippay_host, factory, add_card):
    customer = factory.customer()
    add_card(customer)
    invoice = factory.invoice(customer, "52.05")
    portal_page_for(page, server, customer)
    page.goto(f"{server.url}/portal/finance/invoices")
    page.locator(f"tr[data-number='{invoice.number}']").get_by_role("link", name="Pay by IPpay").click()
    modal = modal_layer(page)
    modal.get_by_role("button", name="Pay 52.05").click()
    expect(modal.locator(".pay-result")).to_have_text("The payment was declined: Do not honor (005).")
    shot(page, "15-declined")
    assert _status(ippay_host, invoice) == "not_paid"


def test_credentials_pay_modal_and_refill_work_on_a_phone(phone, server, ippay_host, factory, add_card):
    customer = factory.customer(name="Tofu Beast")
    add_card(customer)
    invoice = factory.invoice(customer, "39.99")
    page = portal_page_for(phone, server, customer)
    page.get_by_role("button", name="Menu").click()
    page.locator("aside.sidebar").get_by_role("button", name="Credit card").click()
    page.get_by_role("link", name="IpPay payment credentials").click()
    expect(page.locator("#addon-panel #add-card")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "16-phone-credentials")

    page.goto(f"{server.url}/portal/finance/invoices")
    page.locator(f"tr[data-number='{invoice.number}']").get_by_role("link", name="Pay by IPpay").click()
    expect(modal_layer(page).locator(".pay-quote")).to_contain_text("39.99")
    assert_fits_phone(page)
    shot(page, "17-phone-pay-modal")
    _pay_in_modal(page)
    assert_fits_phone(page)
    page.keyboard.press("Escape")  # the list reloads with the new status
    expect(page.locator(f"tr[data-number='{invoice.number}'] .status")).to_have_text("Paid")
    assert_fits_phone(page)

    page.goto(f"{server.url}/ippay")
    expect(page.get_by_role("heading", name="Add money by IpPay")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "18-phone-refill")
