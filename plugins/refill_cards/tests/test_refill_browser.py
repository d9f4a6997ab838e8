"""The refill-card documents walked in a real browser (Debian chromium through Playwright).

Enable the module, generate a series, view and edit it, export CSV and PDF (the PDF's text
holds the codes), redeem one card as an admin (customer search after three characters) and
one as a customer in the portal, and see statuses and payments on both sides.
"""

import csv
import io
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from refill_helpers import pdf_text

from splynx_testing.browser import PHONE, LiveServer, assert_fits_phone, modal_layer, portal_page_for

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("SPLYNX_SCREENSHOTS", "test-artifacts/refill-cards"))


@pytest.fixture
def server(refill):
    """The live server, built after the add-on is installed so its routes are mounted."""
    live = LiveServer(refill)
    yield live
    live.stop()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def admin_login(page, server, factory):
    factory.admin(login="root", password="root-password")
    page.goto(f"{server.url}/admin/login")
    page.get_by_label("Login").fill("root")
    page.get_by_label("Password").fill("root-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def download(page, trigger) -> bytes:
    with page.expect_download() as info:
        trigger()
    return Path(info.value.path()).read_bytes()


def test_refill_cards_walkthrough(page, server, refill, factory):
    partner = factory.partner("Riverside")
    factory.customer(name="Ada Lovelace", partner=partner)
    grace = factory.customer(name="Grace Hopper", partner=partner)
    refill.registry.set_enabled("refill_cards", False, "test")
    admin_login(page, server, factory)
    sidebar = page.locator("aside.sidebar")
    expect(sidebar.get_by_role("button", name="Refill cards")).to_have_count(0)

    # Config → Integrations → Main modules: turn Refill cards on
    page.goto(f"{server.url}/admin/config/integrations/main-modules")
    page.locator("tr", has_text="Refill cards").get_by_role("button", name="Enable").click()
    expect(page.locator(".alert-success")).to_contain_text("Refill cards enabled.")
    # Finance → Refill cards: a submenu (Series, Generate, Statistics), closed until opened
    group = sidebar.get_by_role("button", name="Refill cards")
    expect(group).to_have_attribute("aria-expanded", "false")
    expect(sidebar.get_by_role("link", name="Series", exact=True)).to_be_hidden()
    group.click()
    expect(sidebar.get_by_role("link", name="Series", exact=True)).to_be_visible()
    expect(sidebar.get_by_role("link", name="Statistics", exact=True)).to_be_visible()
    shot(page, "00-submenu")

    # Finance → Refill cards → Generate
    sidebar.get_by_role("link", name="Generate", exact=True).click()
    expect(group).to_have_attribute("aria-expanded", "true")  # the current page's group stays open
    page.get_by_label("Quantity").fill("30")
    page.get_by_label("Prefix").fill("PROMO")
    page.get_by_label("Price").fill("10.00")
    page.wait_for_load_state()  # the page's script (at the end of the body) ticks the lock on a partner
    page.get_by_label("Partner", exact=True).select_option(label="Riverside")
    expect(page.get_by_role("checkbox", name="Lock to the partner")).to_be_checked()  # ticked unless unticked
    page.get_by_label("Valid until").fill((date.today() + timedelta(days=180)).isoformat())
    shot(page, "01-generate")
    page.get_by_role("button", name="Generate").click()
    series_id = str(date.today().year * 100 + 1)
    # "a window will pop up" with the new series' cards, over the list of series
    expect(page.locator(".alert-success")).to_contain_text(f"Series {series_id} generated: 30 cards of 10.00 each.")
    window = modal_layer(page)
    expect(window.locator(".modal-title")).to_have_text(f"Refill cards of series {series_id}")
    expect(window.locator("table.refill-cards tbody tr")).to_have_count(25)
    expect(page.locator(f"tr.highlight[data-series='{series_id}']")).to_contain_text("PROMO")
    shot(page, "02-series-cards-window")
    window.locator("[data-modal-close]").click()
    expect(page.locator(".modal-backdrop")).to_have_count(0)

    # Series list, then edit the series' price in its window
    row = page.locator(f"tr[data-series='{series_id}']")
    expect(row).to_contain_text("PROMO")
    expect(row).to_contain_text("Riverside")
    row.get_by_role("link", name=f"Edit series {series_id}").click()
    edit = modal_layer(page)
    expect(edit.locator(".modal-title")).to_have_text(f"Edit series {series_id}")
    expect(edit.locator("aside.sidebar")).to_have_count(0)
    edit.get_by_label("Price").fill("0")
    edit.get_by_role("button", name="Save").click()
    expect(edit.locator(".field-error")).to_be_visible()  # refused in the window, the input kept
    shot(page, "03-edit-series-window")
    edit.get_by_label("Price").fill("12.50")
    edit.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Series {series_id} saved")
    expect(page.locator(".modal-backdrop")).to_have_count(0)
    expect(row).to_contain_text("12.50 $")
    shot(page, "03-series")

    # Export CSV and PDF from the export modal; then the download icon shows in the row
    codes = []
    for fmt in ("CSV", "PDF"):
        row.get_by_role("link", name=f"Export series {series_id}").click()
        frame = modal_layer(page)
        frame.get_by_label("Format").select_option(label=fmt)
        frame.get_by_role("button", name="Export").click()
        link = frame.get_by_role("link", name=f"Download {fmt}")
        expect(link).to_be_visible(timeout=30_000)
        if fmt == "PDF":
            shot(page, "04-export-modal")
        data = download(page, link.click)
        if fmt == "CSV":
            rows = list(csv.DictReader(io.StringIO(data.decode())))
            codes = [r["Full code"] for r in rows]
            assert len(codes) == 30 and {r["Price"] for r in rows} == {"12.50"}
        else:
            text = pdf_text(data, "-layout")
            assert all(code in text for code in codes) and "Price: 12.50 $" in text
        modal_layer(page, -1).locator("[data-modal-close]").click()
    expect(page.locator(f"tr[data-series='{series_id}']").get_by_role("link", name=f"Download series {series_id}")).to_be_visible()

    # Admin redeem: view the series (a window), Redeem on the first card, search the customer (3+ characters)
    page.locator(f"tr[data-series='{series_id}']").get_by_role("link", name=f"View series {series_id}").click()
    cards = modal_layer(page)
    first = cards.locator("table.refill-cards tbody tr").first
    first_code = first.locator("td.mono").inner_text()
    first.get_by_role("link", name=re.compile("Redeem card")).click()
    modal = modal_layer(page, -1)
    modal.get_by_label("Customer").press_sequentially("Ad")
    expect(modal.locator("input[name=customer_id]")).to_have_count(0)
    modal.get_by_label("Customer").press_sequentially("a L")
    expect(modal.get_by_label(re.compile("Ada Lovelace"))).to_be_checked()
    shot(page, "05-redeem-modal")
    modal.get_by_role("button", name="Redeem").click()
    expect(modal.locator(".alert-success")).to_contain_text("Card redeemed: 12.50 $ was added to the balance of Ada Lovelace")
    # the cards behind the dialog show it at once, while the dialog is still open
    used_row = cards.locator("table.refill-cards tbody tr", has_text=first_code)
    expect(used_row.locator("td.status")).to_have_text("Used")
    expect(used_row).to_contain_text("Ada Lovelace")
    expect(page.locator(".modal-backdrop")).to_have_count(2)
    shot(page, "06-card-used-behind-the-dialog")
    modal.locator("[data-modal-close]").click()
    expect(page.locator(".modal-backdrop")).to_have_count(1)
    expect(used_row.locator("td.status")).to_have_text("Used")

    # Customers → View → Billing → Payments: method Refill card, comment naming the card
    used_row.get_by_role("link", name="Ada Lovelace").click()
    expect(page.locator("nav.billing-tabs a.active")).to_have_text("Payments")
    expect(page.locator("nav.customer-tabs a.active")).to_have_text("Billing")
    expect(page.locator("table.payments")).to_contain_text("Refill card")
    expect(page.locator("table.payments")).to_contain_text(f"Refill card {first_code}")
    shot(page, "06b-customer-billing-payments")
    # Billing → Transactions: the credit of the card; the balance rose
    page.locator("nav.billing-tabs").get_by_role("link", name="Transactions").click()
    expect(page.locator("table.transactions tbody tr").first).to_contain_text("12.50 $")
    page.locator("nav.customer-tabs").get_by_role("link", name="Information").click()
    expect(page.locator(".balance")).to_have_text("12.50 $")

    # Portal per partner, as the document says: Config → Main → Portal → Per partner settings,
    # partner Riverside, Finance → Payment methods: Refill card
    page.goto(f"{server.url}/admin/")
    page.locator("aside").get_by_role("link", name="Portal", exact=True).click()
    expect(page.get_by_role("heading", name="Per partner settings")).to_be_visible()
    page.wait_for_load_state()  # the page's script (at the end of the body) reloads on a new partner
    page.get_by_label("Partner:").select_option(label=partner.name)
    expect(page).to_have_url(re.compile(rf"partner={partner.id}"))
    methods = page.get_by_label("Payment methods")
    methods.select_option([*methods.evaluate("s => [...s.selectedOptions].map(o => o.value)"), "refill_card"])
    page.locator("#portal-settings").get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Portal settings saved for {partner.name}.")
    shot(page, "06c-portal-config")

    # The customer redeems in the portal: Finance → Payments → Refill card, Code
    portal_page_for(page, server, grace)
    portal_menu = page.locator("aside.sidebar")
    expect(portal_menu.get_by_role("link", name="Refill card")).to_be_hidden()  # inside Payments, closed
    portal_menu.get_by_role("button", name="Payments").click()
    portal_menu.get_by_role("link", name="Refill card").click()
    expect(page.locator(".crumbs")).to_have_text("Finance › Payments › Refill card")
    expect(portal_menu.get_by_role("button", name="Payments")).to_have_attribute("aria-expanded", "true")
    page.get_by_label("Code").fill("202601-PROMO-NOTACODE")
    page.get_by_role("button", name="Redeem").click()
    expect(page.locator(".alert-error")).to_contain_text("No refill card has this code")
    second_code = codes[5]
    page.get_by_label("Code").fill(second_code)
    page.get_by_role("button", name="Redeem").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Refill card {second_code} redeemed: 12.50 $")
    expect(page.locator(".topbar")).to_contain_text("balance 12.50 $")
    shot(page, "07-portal-redeem")
    page.set_viewport_size(PHONE)  # the same page on a phone
    assert_fits_phone(page)
    shot(page, "07-portal-redeem-phone")
    page.set_viewport_size({"width": 1280, "height": 720})
    # Finance → Payments → List: date, payment type, amount and comment
    portal_menu.get_by_role("link", name="List", exact=True).click()
    expect(page.locator("table.payments")).to_contain_text("Refill card")
    expect(page.locator("table.payments")).to_contain_text(f"Refill card {second_code}")
    shot(page, "08-portal-payments")
    # Finance → Documents: the payment by this refill card, its date, amount and number
    portal_menu.get_by_role("link", name="Documents").click()
    payment_row = page.locator("table.finance-documents tr[data-kind='payment']")
    expect(payment_row).to_contain_text("12.50 $")
    expect(payment_row).to_contain_text(f"Refill card {second_code}")
    shot(page, "08b-portal-documents")

    # Back in the admin: both cards are Used with their customers; statistics count them
    page.goto(f"{server.url}/refill-cards/admin/series/{series_id}?status=used")
    expect(page.locator("table.refill-cards tbody tr")).to_have_count(2)
    expect(page.locator("table.refill-cards")).to_contain_text("Grace Hopper")
    page.goto(f"{server.url}/refill-cards/admin/report")
    report_row = page.locator(f"tr[data-series='{series_id}']")
    expect(report_row).to_contain_text("25.00 $")
    shot(page, "09-report")


def test_windows_over_the_cards_page_refresh_it_in_place(page, server, refill, factory, make_series):
    """The cards page opened as a page (a link opened in a new tab): Generate from the series list
    in its window, the status filter inside the cards window, and on the page itself a redemption
    and a card edit show at once in the table behind their dialogs."""
    factory.customer(name="Ada Lovelace")
    admin_login(page, server, factory)
    page.goto(f"{server.url}/refill-cards/admin/series")
    page.locator(".page-head").get_by_role("link", name="Generate").click()
    generate = modal_layer(page)
    expect(generate.locator(".modal-title")).to_have_text("Generate refill cards")
    generate.get_by_label("Quantity").fill("3")
    generate.get_by_label("Prefix").fill("SHOP")
    generate.get_by_label("Price").fill("5")
    generate.get_by_label("Valid until").fill((date.today() + timedelta(days=30)).isoformat())
    generate.get_by_role("button", name="Generate").click()
    series_id = date.today().year * 100 + 1
    expect(page).to_have_url(f"{server.url}/refill-cards/admin/series?new={series_id}")
    cards = modal_layer(page)
    expect(cards.locator("table.refill-cards tbody tr")).to_have_count(3)
    cards.get_by_label("Status").select_option(label="Used")  # filters inside the window
    expect(cards.locator("table.refill-cards tbody tr")).to_have_text(["No entries found"])
    expect(page).to_have_url(f"{server.url}/refill-cards/admin/series?new={series_id}")

    page.goto(f"{server.url}/refill-cards/admin/series/{series_id}")
    rows = page.locator("table.refill-cards tbody tr")
    rows.nth(0).get_by_role("link", name=re.compile("Redeem card")).click()
    redeem = modal_layer(page)
    redeem.get_by_label("Customer").press_sequentially("Lovelace")
    expect(redeem.get_by_label(re.compile("Ada Lovelace"))).to_be_checked()
    redeem.get_by_role("button", name="Redeem").click()
    expect(redeem.locator(".alert-success")).to_be_visible()
    expect(rows.nth(0).locator("td.status")).to_have_text("Used")  # behind the open dialog
    expect(page.locator(".tiles")).to_contain_text("1 · 5.00 $")
    redeem.locator("[data-modal-close]").click()
    expect(page.locator(".modal-backdrop")).to_have_count(0)

    rows.nth(1).get_by_role("link", name=re.compile("Edit card")).click()
    edit = modal_layer(page)
    edit.get_by_label("Status").select_option(label="Disabled")
    edit.get_by_role("button", name="Save").click()
    expect(page.locator(".modal-backdrop")).to_have_count(0)
    expect(page.locator(".alert-success")).to_contain_text("saved.")
    expect(rows.nth(1).locator("td.status")).to_have_text("Disabled")
    expect(page.locator(".tiles")).to_contain_text("0 / 1")
    shot(page, "10-cards-page-after-dialogs")
