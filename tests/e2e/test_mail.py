"""The e-mail pages in a real browser: settings and test e-mail, a template preview, Send, the e-mail log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from splynx_testing.browser import modal_layer, screenshot

pytestmark = pytest.mark.e2e


def shot(page, name: str) -> None:
    screenshot(page, "mail", name)


def test_operator_sets_up_email_previews_a_template_and_sends_an_invoice(admin_page, live_server, factory,
                                                                          smtp_server):
    page = admin_page
    customer = factory.customer(name="Katherine Johnson")
    invoice = factory.invoice(customer, "48.00")
    page.goto(f"{live_server.url}/admin/config/main/email")
    page.get_by_label("SMTP host").fill("127.0.0.1")
    page.get_by_label("SMTP port").fill(str(smtp_server.port))
    page.get_by_label("Login").fill("")
    page.get_by_label("Password").fill("app-password")
    page.get_by_label("Sender e-mail").fill("billing@isp.example")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash, .alert").first).to_contain_text("E-mail settings saved.")
    page.get_by_label("Send to").fill("noc@isp.example")
    page.get_by_role("button", name="Send test email").click()
    expect(page.get_by_text(re.compile(r"The server answered: 250 2\.0\.0 Ok"))).to_be_visible()
    shot(page, "01-email-settings")

    page.goto(f"{live_server.url}/admin/config/templates")
    shot(page, "02-templates")
    page.get_by_role("link", name="New invoice").first.click()
    page.get_by_label("Preview with customer id").fill(str(customer.id))
    page.get_by_role("button", name="Preview").click()
    frame = page.frame_locator("iframe[name=mail-preview]")
    expect(frame.locator("#preview-subject")).to_have_text(f"Your invoice {invoice.number} of 48.00 $")
    expect(frame.locator("#preview-html")).to_contain_text("Katherine Johnson")
    shot(page, "03-template-preview")
    html = page.get_by_label("HTML body")
    html.fill(html.input_value() + "\n{{ customer.missing }}")
    page.get_by_role("button", name="Preview").click()
    expect(frame.locator("#preview-error")).to_contain_text(re.compile(r"HTML body, line \d+: .*missing"))
    html.fill(html.input_value() + "\n{% if %}")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#template-error")).to_contain_text(re.compile(r"Not saved: HTML body, line \d+:"))
    shot(page, "04-template-error")

    page.goto(f"{live_server.url}/admin/finance/invoices")
    page.locator(f"tr[data-number='{invoice.number}'] input[name=ids]").check()
    page.locator("details.dropdown summary").click()
    page.get_by_role("menuitem", name="Send").click()
    modal = modal_layer(page)
    expect(modal.get_by_text(customer.email)).to_be_visible()
    shot(page, "05-send-modal")
    modal.get_by_role("button", name="Send").click()
    expect(page.get_by_text("1 queued").first).to_be_visible()
    page.goto(f"{live_server.url}/admin/logs/emails")
    row = page.locator("table.mail-log tbody tr").first
    expect(row).to_contain_text(customer.email)
    for _ in range(50):  # the job sends it in a moment
        if "sent" in row.locator(".status").inner_text():
            break
        page.wait_for_timeout(200)
        page.reload()
    expect(row.locator(".status")).to_have_text("sent")
    shot(page, "06-email-log")
    row.get_by_role("link", name=re.compile("View")).click()
    expect(page.get_by_text("250 2.0.0 Ok")).to_be_visible()
    shot(page, "07-email-message")
    assert [m["To"] for m in smtp_server.inbox.messages] == ["noc@isp.example", customer.email]
