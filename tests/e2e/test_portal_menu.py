"""The portal's Finance menu as the documents name it, in a real browser.

Refill cards: "Finance → Payments → Refill card", "Finance → Payments → List", "Finance →
Documents"; IPpay: "Finance / Credit card" (the add-on's *IpPay payment credentials*), iCharge:
saved cards "in the Finance section". Old addresses keep working.
"""

import pytest
from playwright.sync_api import expect

from splynx_icharge import addon as icharge
from splynx_ippay import addon as ippay
from splynx_refill_cards import addon as refill_cards
from splynx_testing.browser import PHONE, LiveServer, assert_fits_phone, portal_page_for, screenshot

pytestmark = pytest.mark.e2e
SHOTS = "portal-menu"


@pytest.fixture
def server(host, install_addon, set_portal_methods):
    for plugin in (ippay, icharge, refill_cards):
        install_addon(plugin)
    set_portal_methods(["ippay", "icharge", "refill_card"])
    live = LiveServer(host)
    yield live
    live.stop()


def entries(menu) -> list[str]:
    """The labels of a menu's own entries (links and submenu buttons), in order."""
    return [text.strip() for text in menu.locator(":scope > li > a, :scope > li > button").all_inner_texts()]


def test_finance_menu_follows_the_documents(page, server, factory):
    customer = factory.customer(name="Ada Lovelace")
    invoice = factory.invoice(customer, "25.00")
    portal_page_for(page, server, customer)
    sidebar = page.locator("aside.sidebar")
    finance = sidebar.locator("#nav-finance")
    expect(finance).to_be_visible()
    assert entries(finance) == ["Documents", "Invoices", "Proforma invoices", "Payments", "Transactions",
                                "Credit card"]

    # Finance → Payments: List, then the add-ons' entries (Refill card)
    payments = sidebar.get_by_role("button", name="Payments")
    expect(payments).to_have_attribute("aria-expanded", "false")
    payments.click()
    assert entries(sidebar.locator("#nav-finance-payments")) == ["List", "Refill card"]
    sidebar.get_by_role("link", name="List", exact=True).click()
    expect(page).to_have_url(f"{server.url}/portal/finance/payments")
    expect(page.get_by_role("heading", name="Payments")).to_be_visible()
    expect(sidebar.get_by_role("link", name="List", exact=True)).to_have_attribute("aria-current", "page")

    # Finance → Credit card: the gateways' saved cards
    sidebar.get_by_role("button", name="Credit card").click()
    assert entries(sidebar.locator("#nav-finance-credit-card")) == ["iCharge payment cards", "IpPay payment credentials"]
    sidebar.get_by_role("link", name="IpPay payment credentials").click()
    expect(page.locator("#addon-panel #add-card")).to_be_visible()
    expect(sidebar.get_by_role("button", name="Credit card")).to_have_attribute("aria-expanded", "true")
    screenshot(page, SHOTS, "01-credit-card")

    # Finance → Documents: the invoices, proformas and payments in one list
    sidebar.get_by_role("link", name="Documents").click()
    row = page.locator("table.finance-documents tr[data-kind='invoice']")
    expect(row).to_contain_text(invoice.number)
    expect(row).to_contain_text("25.00 $")
    screenshot(page, SHOTS, "02-documents")

    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Menu").click()
    expect(sidebar.get_by_role("link", name="Refill card")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, SHOTS, "03-phone-menu")
