"""An invoice e-mail's IPpay link, followed in the browser: the customer pays with the saved card.

The SMTP server is real (aiosmtpd on loopback), the IPpay gateway is the simulator; the
browser opens the received HTML part and clicks its "Pay with IPpay" link.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from playwright.sync_api import expect

from hostapp.models import Invoice
from hostapp.services.mail.service import MailService
from splynx_testing.browser import LiveServer, screenshot
from tests.mail.configure import configure_mail

pytestmark = pytest.mark.e2e

LINK = re.compile(r"https?://[^\s\"'<>)]+/ippay/direct-pay-invoice-by-id\?[^\s\"'<>)]+")


@pytest.fixture
def server(ippay_host):
    live = LiveServer(ippay_host)
    ippay_host.config = dataclasses.replace(ippay_host.config, public_url=live.url)  # links point at it
    yield live
    live.stop()


def test_the_invoice_email_link_pays_with_the_saved_card(page, server, ippay_host, factory, add_card,
                                                         smtp_server, sim):
    configure_mail(ippay_host, smtp_server.port)
    customer = factory.customer(name="Grace Hopper")
    add_card(customer)
    invoice = factory.invoice(customer, "64.20")  # issuing it queues the "new invoice" e-mail

    report = MailService(ippay_host).deliver()
    assert len(report.sent) == 1
    [received] = smtp_server.inbox.messages
    html = received.get_body(("html",)).get_content()
    text = received.get_body(("plain",)).get_content()
    html_links, text_links = LINK.findall(html.replace("&amp;", "&")), LINK.findall(text)
    assert len(html_links) == 1 and html_links == text_links
    link = html_links[0]
    assert link.startswith(f"{server.url}/ippay/direct-pay-invoice-by-id?item_id={invoice.id}&expires=")
    assert "&sig=" in link

    page.set_content(html)  # the customer reads the e-mail ...
    screenshot(page, "ippay", "20-invoice-email")
    page.get_by_role("link", name="Pay with IPpay").click()  # ... and clicks its link
    page.wait_for_url(re.compile(r".*/ippay/direct-pay-invoice-by-id.*"))
    saved = page.locator("#pay-saved")
    expect(saved).to_contain_text("1111")  # the signed link offers the saved card
    screenshot(page, "ippay", "21-email-link-saved-card")
    saved.get_by_role("button", name="Pay 64.20").click()
    expect(page.locator(".pay-result")).to_contain_text("Success! Your transaction has been successfully processed. Amount: ")
    screenshot(page, "ippay", "22-email-link-paid")
    with ippay_host.db.reading() as session:
        assert session.get(Invoice, invoice.id).status == "paid"

    page.goto(link)  # the same link again: nothing left to pay, nothing charged twice
    expect(page.locator("#pay-saved")).to_have_count(0)
    charges = [e for e in sim.app.journal() if e["type"] == "SALE" and e["action_code"] == "000"]
    assert len(charges) == 1

    tampered = link.replace("&sig=", "&sig=x")
    page.goto(tampered)  # a changed signature is an unsigned link: no saved card
    expect(page.locator("#pay-saved")).to_have_count(0)
