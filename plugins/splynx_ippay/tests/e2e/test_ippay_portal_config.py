"""The portal in a real browser: dashboard tiles and the IPpay widget agree, and Config → Main →
Portal decides per partner (Default as fallback) whether IPpay shows at all."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from splynx_testing.browser import LiveServer, admin_login, portal_page_for, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(ippay_host):
    live = LiveServer(ippay_host)
    yield live
    live.stop()


def test_a_pending_invoice_counts_in_the_tile_and_shows_in_the_widget(page, server, factory):
    customer = factory.customer(name="Pending Payer")
    pending = factory.invoice(customer, "29.90", status="pending")
    unpaid = factory.invoice(customer, "39.90")
    portal_page_for(page, server, customer)
    tile = page.locator(".tile", has_text="Unpaid invoices")
    expect(tile.locator(".value")).to_have_text("2")
    widget = page.locator(".widget", has_text="Pay your invoices by IPpay")
    expect(widget).not_to_contain_text("You have no unpaid invoices")
    expect(widget.locator("tr", has_text=pending.number)).to_contain_text("Processing")
    expect(widget.locator("tr", has_text=unpaid.number).get_by_role("link", name="Pay")).to_be_visible()
    screenshot(page, "ippay", "dashboard-pending-invoice")


def test_portal_payment_methods_per_partner_with_default_fallback(page, server, factory, browser):
    main, riverside = factory.partner("Main ISP"), factory.partner("Riverside")
    anna = factory.customer(partner=main, name="Anna Main")
    ben = factory.customer(partner=riverside, name="Ben River")
    for customer in (anna, ben):
        factory.invoice(customer, "29.90")
    admin_login(page, server, factory)
    page.locator("aside").get_by_role("link", name="Portal", exact=True).click()
    methods = page.get_by_label("Payment methods")
    expect(methods.locator("option", has_text="IPpay (credit card, bank account)")).to_be_attached()
    methods.select_option([])  # Default partner: no gateway in the portal
    tiles = page.get_by_label("Tiles")
    tiles.select_option(["balance", "unpaid_invoices"])
    page.locator("#portal-settings").get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Portal settings saved for the Default partner.")
    page.wait_for_load_state()  # the page's script (at the end of the body) reloads on a new partner
    page.get_by_label("Partner:").select_option(label="Riverside")
    expect(page).to_have_url(re.compile(rf"partner={riverside.id}"))
    page.get_by_label("Payment methods").select_option(["ippay"])
    page.locator("#portal-settings").get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Portal settings saved for Riverside.")
    screenshot(page, "ippay", "portal-config-riverside")

    customer_page = browser.new_page()
    portal_page_for(customer_page, server, anna)  # Main ISP follows the Default partner: no IPpay
    expect(customer_page.locator(".widget", has_text="by IPpay")).to_have_count(0)
    expect(customer_page.locator(".tile", has_text="Unpaid proforma invoices")).to_have_count(0)
    expect(customer_page.locator("aside")).not_to_contain_text("IpPay payment credentials")
    customer_page.goto(f"{server.url}/portal/finance/invoices")
    expect(customer_page.locator("[data-modal-url*='/ippay/']")).to_have_count(0)
    customer_page.close()

    customer_page = browser.new_page()
    portal_page_for(customer_page, server, ben)  # Riverside's own choice: IPpay shown
    expect(customer_page.locator(".widget", has_text="Pay your invoices by IPpay")).to_be_visible()
    customer_page.goto(f"{server.url}/portal/finance/invoices")
    expect(customer_page.locator("[data-modal-url*='/ippay/']").first).to_be_visible()
    customer_page.close()
