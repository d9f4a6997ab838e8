"""The product's look in a real browser: icons, the sidebar's submenus, modals without frames,
labelled pay buttons, error pages, and a portal that works on a phone (375 x 667)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from splynx_testing.browser import LiveServer, admin_login, assert_fits_phone, modal_layer, portal_page_for, screenshot
from tests.plugins import widgets

pytestmark = pytest.mark.e2e

SHOTS = "look"


@pytest.fixture
def server(host, install_addon):
    install_addon(widgets)
    live = LiveServer(host)
    yield live
    live.stop()


def icon_font_loaded(page) -> bool:
    return page.evaluate("document.fonts.ready.then(() => document.fonts.check('16px FontAwesome'))")


def test_add_ons_actions_are_font_awesome_icons_with_labels(page, server, factory):
    admin_login(page, server, factory)
    page.get_by_role("link", name="Add-ons").click()
    info = page.get_by_role("link", name="Info splynx-widgets")
    expect(info.first.locator("i.fa.fa-info-circle")).to_be_attached()
    expect(info.first).to_have_attribute("title", "Info")
    assert icon_font_loaded(page)
    # the glyph is drawn by the icon font, not a fallback font
    family = page.locator("#addons i.fa").first.evaluate("(i) => getComputedStyle(i).fontFamily")
    assert "FontAwesome" in family
    screenshot(page, SHOTS, "addons-desktop")


def test_sidebar_groups_open_and_close_with_the_keyboard(page, server, factory):
    admin_login(page, server, factory)
    finance = page.get_by_role("button", name="Finance")
    expect(finance).to_have_attribute("aria-expanded", "true")
    finance.focus()
    page.keyboard.press("Enter")
    expect(finance).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Invoices", exact=True)).to_be_hidden()
    page.keyboard.press("Space")
    expect(finance).to_have_attribute("aria-expanded", "true")
    page.get_by_role("link", name="Invoices", exact=True).click()
    expect(page.get_by_role("link", name="Invoices", exact=True)).to_have_attribute("aria-current", "page")


def test_pay_modal_loads_into_the_page_traps_focus_and_closes(page, server, factory):
    customer = factory.customer(name="Ada Lovelace")
    invoice = factory.invoice(customer, "15.00")
    portal_page_for(page, server, customer)
    page.get_by_role("link", name="Invoices", exact=True).click()
    pay = page.locator(f"tr[data-number='{invoice.number}']").get_by_role("link", name="Pay by widget")
    expect(pay).to_contain_text("Pay by widget")  # a labelled button, not a bare icon
    expect(pay.locator("i.fa-credit-card")).to_be_attached()

    pay.click()
    dialog = page.get_by_role("dialog", name="Pay by widget")
    amount = dialog.get_by_label("Amount")
    expect(amount).to_be_focused()
    expect(page.locator("iframe")).to_have_count(0)
    for _ in range(5):  # Tab cycles inside the dialog
        page.keyboard.press("Tab")
        assert dialog.evaluate("(d) => d.contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")
    assert dialog.evaluate("(d) => d.contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(pay).to_be_focused()  # focus returns to what opened the dialog

    pay.click()
    modal_layer(page).click(position={"x": 5, "y": 5})  # the backdrop
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_a_form_in_a_modal_shows_its_errors_there_then_a_confirm_covers_the_page(page, server, factory):
    customer = factory.customer(name="Ada Lovelace")
    invoice = factory.invoice(customer, "15.00")
    portal_page_for(page, server, customer)
    page.goto(f"{server.url}/portal/finance/invoices")
    page.locator(f"tr[data-number='{invoice.number}']").get_by_role("link", name="Pay by widget").click()
    dialog = page.get_by_role("dialog", name="Pay by widget")
    dialog.get_by_role("button", name="Pay").click()
    confirm = page.get_by_role("dialog", name="Confirm payment")
    box = confirm.evaluate("(d) => d.parentElement.getBoundingClientRect().toJSON()")
    viewport = page.viewport_size
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, viewport["width"], viewport["height"])
    screenshot(page, SHOTS, "nested-confirm")
    confirm.get_by_role("button", name="Pay").click()
    expect(dialog.locator(".field-error")).to_have_text("Enter the amount.")  # in the modal, page unchanged
    expect(page).to_have_url(f"{server.url}/portal/finance/invoices")
    dialog.get_by_label("Amount").fill("15.00")
    dialog.get_by_role("button", name="Pay").click()
    page.get_by_role("dialog", name="Confirm payment").get_by_role("button", name="Pay").click()
    # done: the page the form went to replaces the list, with its flash message
    expect(page.locator(".alert-success")).to_have_text("Widget payment of 15.00 $ received.")
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_error_pages_are_branded(page, server, factory):
    page.goto(f"{server.url}/no/such/page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator(".public-head")).to_contain_text("Splynx")
    screenshot(page, SHOTS, "404-public")
    admin_login(page, server, factory)
    page.goto(f"{server.url}/admin/no/such/page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("complementary", name="Main menu")).to_be_visible()
    screenshot(page, SHOTS, "404-admin")


def test_portal_works_on_a_phone(phone, server, factory):
    customer = factory.customer(name="Katherine Johnson")
    invoice = factory.invoice(customer, "39.90")
    factory.invoice(customer, "29.90")
    page = portal_page_for(phone, server, customer)
    assert_fits_phone(page)
    screenshot(page, SHOTS, "phone-dashboard")

    # the menu opens from the menu button
    expect(page.get_by_role("link", name="Invoices", exact=True)).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    assert_fits_phone(page)
    screenshot(page, SHOTS, "phone-menu")
    page.get_by_role("link", name="Invoices", exact=True).click()
    expect(page).to_have_url(re.compile(r"/portal/finance/invoices$"))  # measured once the list is there
    assert_fits_phone(page)
    screenshot(page, SHOTS, "phone-invoices")

    page.locator(f"tr[data-number='{invoice.number}']").get_by_role("link", name="Pay by widget").click()
    expect(page.get_by_role("dialog", name="Pay by widget").get_by_label("Amount")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, SHOTS, "phone-pay-modal")
    page.keyboard.press("Escape")

    for path in ("/portal/finance/invoices/%d" % invoice.id, "/portal/finance/transactions",
                 "/portal/finance/payments", "/portal/profile"):
        page.goto(server.url + path)
        assert_fits_phone(page)
    screenshot(page, SHOTS, "phone-profile")
