"""A plain document-pattern link in a real browser: the invoice's owner, logged in to the
portal, pays with the saved card; an anonymous visitor is never offered it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hostapp.models import Invoice
from splynx_testing.browser import LiveServer, portal_page_for, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(ippay_host):
    live = LiveServer(ippay_host)
    yield live
    live.stop()


def test_the_logged_in_owner_pays_a_plain_link_with_the_saved_card(page, browser, server, ippay_host, factory,
                                                                   add_card):
    owner = factory.customer(name="Owner Olga")
    add_card(owner)
    invoice = factory.invoice(owner, "39.90")
    link = f"{server.url}/ippay/direct-pay-invoice?item_id={invoice.number}"

    stranger = browser.new_page()
    stranger.goto(link)
    expect(stranger.locator("#pay-confirm")).to_be_visible()  # a stranger first proves they hold the invoice
    expect(stranger.locator("#pay-saved")).to_have_count(0)
    stranger.close()

    portal_page_for(page, server, owner)
    page.goto(link)
    saved = page.locator("#pay-saved")
    expect(saved).to_contain_text("Visa ending 1111")
    screenshot(page, "ippay", "direct-link-owner")
    saved.get_by_role("button", name="Pay 39.90 $").click()
    expect(page.locator(".pay-result")).to_contain_text(
        "Success! Your transaction has been successfully processed. Amount: 39.90 $.")
    with ippay_host.db.reading() as s:
        assert s.get(Invoice, invoice.id).status == "paid"
