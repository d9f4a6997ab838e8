"""Browser walk of the admin customer page: add, edit, an add-on tab inside the tab bar, issue an invoice."""

import pytest
from playwright.sync_api import expect

from splynx_ippay import addon as ippay
from splynx_testing.browser import LiveServer, admin_login, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(host, install_addon):
    install_addon(ippay)
    live = LiveServer(host)
    yield live
    live.stop()


def test_admin_adds_and_edits_a_customer_opens_the_ippay_tab_and_issues_an_invoice(page, server, factory):
    factory.partner("North"), factory.location("Downtown")
    admin_login(page, server, factory)
    page.get_by_role("link", name="List", exact=True).click()
    page.get_by_role("link", name="Add customer").click()
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Login").fill("ghopper")
    page.get_by_label("Password").fill("cobol-1959")
    page.get_by_label("Email").fill("grace@example")
    page.get_by_label("Partner").select_option(label="North")
    page.get_by_label("Location").select_option(label="Downtown")
    page.get_by_role("button", name="Add customer").click()
    expect(page.locator(".field-error")).to_have_text(["Enter an email address like name@example.net (at most 128 "
                                                       "characters)."])
    expect(page.get_by_label("Full name")).to_have_value("Grace Hopper")  # nothing typed is lost
    screenshot(page, "customer-page", "01-add-refused")
    page.get_by_label("Email").fill("grace@example.net")
    page.get_by_label("Password").fill("cobol-1959")
    page.get_by_role("button", name="Add customer").click()
    expect(page.locator(".alert-success")).to_have_text("Customer Grace Hopper (login ghopper) added.")

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone number").fill("+1 555 0142")
    page.get_by_label("Status").select_option(label="Active")
    screenshot(page, "customer-page", "02-edit")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_have_text("Customer Grace Hopper saved: Phone number, Status changed.")
    expect(page.locator("dl.facts").first).to_contain_text("+1 555 0142")

    tabs = page.locator("nav.customer-tabs")
    customer_id = page.url.rsplit("/", 1)[-1]  # the customer's page: /admin/customers/<id>
    tabs.get_by_role("link", name="IPpay").click()
    expect(page).to_have_url(f"{server.url}/ippay/admin/customer?customer_id={customer_id}")
    expect(tabs.get_by_role("link", name="Information")).to_be_visible()
    expect(tabs.locator("a.active")).to_have_text("IPpay")
    expect(page.get_by_role("heading", name="Saved payment credentials")).to_be_visible()
    screenshot(page, "customer-page", "03-ippay-tab")

    page.get_by_role("link", name="Issue invoice").click()
    rows = page.locator("[data-item-row]")
    rows.nth(0).get_by_label("Description").fill("Router")
    rows.nth(0).get_by_label("Quantity").fill("2")
    rows.nth(0).get_by_label("Price").fill("49.95")
    rows.nth(0).get_by_label("Tax %").fill("20")
    rows.nth(1).get_by_label("Description").fill("Installation")
    rows.nth(1).get_by_label("Price").fill("30")
    expect(page.locator("[data-items-total]")).to_have_text("149.88")
    page.get_by_role("button", name="Add item").click()
    expect(rows).to_have_count(4)
    screenshot(page, "customer-page", "04-issue-invoice")
    page.get_by_role("button", name="Issue", exact=True).click()
    flash = page.locator(".alert-success")
    expect(flash).to_contain_text("issued to Grace Hopper: 2 items, total 149.88 $.")
    number = flash.inner_text().split()[1]
    expect(page.locator(f"tr[data-number='{number}']")).to_contain_text("149.88 $")
    expect(page.locator(".customer-tabs a.active")).to_have_text("Billing")
    expect(page.locator(".billing-tabs a.active")).to_have_text("Finance documents")
    screenshot(page, "customer-page", "05-billing")
    page.get_by_role("link", name="Invoices", exact=True).click()
    expect(page.locator(f"tr[data-number='{number}']")).to_contain_text("Grace Hopper")
