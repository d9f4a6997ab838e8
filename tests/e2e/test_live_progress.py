"""Progress views follow their job to the end without a reload.

The Charge dialog of a running batch turns into the finished batch by itself: status badge,
Charged sum, result rows and buttons (Stop goes, Charge again comes). A refill-card export's
dialog offers its download when the job ends.
"""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from hostapp.models import Invoice

from tests.charging.gateways import FakepayGateway
from splynx_testing.browser import modal_layer, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def slow_gateway(host, install_addon):
    """fakepay with 0.4 s per charge, so the dialog is seen while the batch runs."""
    running = FakepayGateway(host, install_addon, 0.4)
    yield running
    running.stop()
    host.jobs.shutdown(wait=True)


def test_the_charge_dialog_shows_the_final_state_of_the_batch(slow_gateway, admin_page, live_server, factory, host,
                                                              monkeypatch):
    for key, value in slow_gateway.env().items():
        monkeypatch.setenv(key, value)
    seeded = slow_gateway.seed(5)
    cash_only = factory.invoice(factory.customer(name="Cash Only"), "15.00")
    page, day = admin_page, date.today().isoformat()
    page.goto(f"{live_server.url}/admin/finance/invoices?from={day}&to={day}")
    page.locator(".page-head").get_by_role("link", name="Charge").click()
    dialog = modal_layer(page)
    dialog.get_by_label("External handler").select_option(slow_gateway.handler)
    dialog.get_by_role("button", name="Preview").click()
    dialog.locator("button[value=charge]").click()
    modal_layer(page, -1).get_by_role("button", name="Charge").click()

    head = dialog.locator(".page-head")
    expect(head.get_by_role("button", name="Stop")).to_be_visible()  # seen while the batch runs
    expect(dialog.locator("[data-charged]")).to_have_text("0.00 $")

    expect(head.locator(".status")).to_have_text("Ready", timeout=60_000)
    expect(head.get_by_role("button", name="Stop")).to_have_count(0)
    expect(head.get_by_role("button", name="Charge again")).to_be_visible()
    with host.db.reading() as session:
        charged = session.execute(select(func.sum(Invoice.total)).where(Invoice.id.in_(seeded.invoice_ids))).scalar()
    expect(dialog.locator("[data-charged]")).to_have_text(f"{charged:.2f} $")
    rows = dialog.locator("table.charge-results tbody tr")
    expect(rows).to_have_count(6)
    expect(dialog.locator("table.charge-results .status", has_text="Queued")).to_have_count(0)
    expect(dialog.locator(f"tr[data-number='{cash_only.number}']")).to_contain_text(
        "Customer payment account is empty!")
    expect(dialog.locator(".progress .bar")).to_have_text("100%")
    screenshot(page, "live-progress", "charge-dialog-finished")
