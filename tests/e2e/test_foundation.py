"""Browser walks of the host: admin and portal logins, entry points, CSRF and ownership."""

import pytest
from playwright.sync_api import expect

from splynx_testing.browser import LiveServer, portal_page_for
from tests.plugins import widgets

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(host, install_addon):
    install_addon(widgets)
    live = LiveServer(host)
    yield live
    live.stop()


def test_admin_logs_in_opens_a_customer_and_an_invoice(page, server, factory):
    customer = factory.customer(name="Margaret Hamilton")
    invoice = factory.invoice(customer, "42.00")
    factory.admin(login="root", password="root-password")
    page.goto(f"{server.url}/admin/")
    expect(page).to_have_url(f"{server.url}/admin/login?next=/admin/")
    page.get_by_label("Login").fill("root")
    page.get_by_label("Password").fill("root-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("link", name="List", exact=True).click()
    page.get_by_placeholder("Search by name, login, email, ID").fill("Hamilton")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Margaret Hamilton").click()
    expect(page.locator(".balance")).to_have_text("-42.00 $")
    page.get_by_role("link", name="Billing", exact=True).click()
    page.get_by_role("link", name=invoice.number).first.click()
    expect(page.get_by_role("heading", name=f"Invoice {invoice.number}")).to_be_visible()
    expect(page.locator(".facts").nth(1)).to_contain_text("42.00 $")


def test_customer_dashboard_shows_widget_and_invoice_action_icon(page, server, factory):
    customer = factory.customer(name="Ada Lovelace")
    invoice = factory.invoice(customer, "15.00")
    portal_page_for(page, server, customer)
    expect(page.locator(".test-widget")).to_have_text("Hello, Ada Lovelace!")
    page.get_by_role("link", name="Widget credentials").click()
    expect(page.locator("#addon-panel p")).to_have_text("widgets home")  # loaded into the page, no frame
    expect(page.locator("iframe")).to_have_count(0)
    page.get_by_role("link", name="Invoices", exact=True).click()
    row = page.locator(f"tr[data-number='{invoice.number}']")
    row.get_by_role("link", name="Pay by widget").click()
    modal = page.get_by_role("dialog", name="Pay by widget")
    expect(modal).to_be_visible()
    expect(modal).to_have_css("width", "450px")
    expect(modal.locator(".modal-body p").first).to_have_text("pay modal")
    expect(page.locator("iframe")).to_have_count(0)


def test_form_without_csrf_token_is_refused(page, server, factory):
    customer = factory.customer()
    portal_page_for(page, server, customer)
    response = page.request.post(f"{server.url}/portal/profile", form={"email": "x@example.net"})
    assert response.status == 400
    assert "CSRF" in response.text()


def test_customer_opening_another_customers_invoice_gets_404(page, server, factory):
    alice, bob = factory.customer(), factory.customer()
    theirs = factory.invoice(bob, "9.00")
    portal_page_for(page, server, alice)
    response = page.goto(f"{server.url}/portal/finance/invoices/{theirs.id}")
    assert response.status == 404
