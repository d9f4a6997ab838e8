"""A customer saves a card and adds money in a real browser (Debian chromium through Playwright)."""

import pytest
from playwright.sync_api import expect

from splynx_testing.browser import screenshot

pytestmark = pytest.mark.e2e


def test_a_customer_saves_a_card_then_adds_money_with_it(configured, live_server, portal_page, factory, sim):
    customer = factory.customer(name="Ada Example")
    page = portal_page(customer)
    page.goto(f"{live_server.url}/intentpay/portal/cards")
    page.get_by_label("Cardholder name").fill("Ada Example")
    page.get_by_label("Card number").fill("4111 1111 1111 1111")
    page.get_by_label("Expiry year").select_option(index=3)
    page.get_by_role("button", name="Save card").click()
    expect(page.locator(".alert-success")).to_contain_text("ending 1111 (exp.")
    screenshot(page, "intentpay", "cards")

    page.goto(f"{live_server.url}/intentpay/")
    page.get_by_label("Amount").fill("25.00")
    expect(page.get_by_label("Pay with")).to_contain_text("ending 1111")
    screenshot(page, "intentpay", "refill-form")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".pay-result")).to_have_text("Success! Your transaction has been successfully processed.")
    screenshot(page, "intentpay", "refill-done")
    assert [e["amount"] for e in sim.app.journal() if e["kind"] == "create"] == [2500]
