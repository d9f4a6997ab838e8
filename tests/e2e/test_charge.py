"""The Charge dialog in a real browser: preview then charge a period with a handler; the
history shows the batch and its log downloads as CSV.

Runs with the fakepay handler against its HTTP gateway server, and with splynx-ippay
against its simulator.
"""

import csv
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hostapp.models import ChargeBatch, Invoice
from tests.charging.gateways import gateway_class
from splynx_testing.browser import modal_layer, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["fakepay", "ippay"])
def gateway(request, host, install_addon, monkeypatch):
    running = gateway_class(request.param)(host, install_addon, 0.05)
    for key, value in running.env().items():
        monkeypatch.setenv(key, value)
    yield running
    running.stop()
    host.jobs.shutdown(wait=True)


def test_preview_then_charge_a_period_and_download_the_log(gateway, admin_page, live_server, factory, host,
                                                           tmp_path):
    seeded = gateway.seed(6)
    without_account = factory.invoice(factory.customer(name="Cash Only"), "15.00")
    page, day = admin_page, date.today().isoformat()
    page.goto(f"{live_server.url}/admin/finance/invoices?from={day}&to={day}")
    page.locator(".page-head").get_by_role("link", name="Charge").click()
    dialog = modal_layer(page)
    expect(dialog.get_by_label("Period from")).to_have_value(day)
    dialog.get_by_label("External handler").select_option(gateway.handler)
    dialog.get_by_role("button", name="Preview").click()
    expect(dialog.locator("[data-preview=count]")).to_have_text("7")
    expect(dialog.locator("[data-preview=due]")).to_have_text("195.00 $")
    assert sum(gateway.approved_per_invoice().values()) == 0  # a preview charges nobody

    dialog.locator("button[value=charge]").click()
    modal_layer(page, -1).locator("footer").get_by_role("button", name="Charge").click()
    expect(dialog.get_by_text("started.")).to_be_visible()
    expect(dialog.locator(".progress .bar")).to_have_text("100%", timeout=60_000)
    expect(dialog.locator("table.charge-results tbody tr")).to_have_count(7)
    # the finished batch opens at its top: its heading and buttons are on screen, not scrolled away
    expect(dialog.get_by_role("heading", name="Charge batch")).to_be_in_viewport()
    expect(dialog.get_by_role("link", name="Download log")).to_be_in_viewport()
    screenshot(page, "charge", f"batch-finished-{gateway.handler}")
    expect(dialog.locator(f"tr[data-number='{without_account.number}']")).to_contain_text(
        "Customer payment account is empty!")

    dialog.get_by_role("link", name="Charge history").click()
    with host.db.reading() as s:
        batch_id = s.execute(select(ChargeBatch.id)).scalar_one()
    row = dialog.locator(f"tr[data-batch='{batch_id}']")
    expect(row).to_contain_text(gateway.handler)
    expect(row).to_contain_text("manual")
    expect(row).to_contain_text("Ready")
    expect(row).to_contain_text("6 approved · 1 declined")
    with page.expect_download() as download_info:
        row.get_by_role("link", name=f"Download log of batch {batch_id}").click()
    target = tmp_path / "log.csv"
    download_info.value.save_as(target)
    with target.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 7 and sum(r["Result"] == "approved" for r in rows) == 6

    modal_layer(page, -1).locator("[data-modal-close]").click()  # the list reloads with the new statuses
    expect(page.locator(f"tr[data-number='{without_account.number}'] .status")).to_have_text("Unpaid")
    assert gateway.approved_per_invoice() == {invoice_id: 1 for invoice_id in seeded.invoice_ids}
    with host.db.reading() as s:
        assert set(s.execute(select(Invoice.status).where(Invoice.id.in_(seeded.invoice_ids))).scalars()) == {"paid"}
