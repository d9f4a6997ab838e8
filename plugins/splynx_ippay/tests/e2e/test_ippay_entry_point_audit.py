"""Edit entry points in a real browser: the audit log names only the fields that changed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hostapp.models import AuditEntry, EntryPointRecord
from splynx_ippay.entry_points import PROFORMA_WIDGET
from splynx_testing.browser import LiveServer, admin_login, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(ippay_host):
    live = LiveServer(ippay_host)
    yield live
    live.stop()


def test_ticking_enabled_on_a_code_widget_records_only_enabled(page, server, ippay_host, factory):
    admin_login(page, server, factory)
    page.goto(f"{server.url}/admin/config/integrations/modules/splynx_ippay_addon/entry-points")
    card = page.locator(f"form[data-point={PROFORMA_WIDGET}]")
    card.get_by_label("Enabled", exact=True).check()
    card.get_by_role("button", name="Save").click()
    expect(page.locator(".alert").first).to_contain_text(f"Entry point {PROFORMA_WIDGET} saved: enabled changed.")
    card = page.locator(f"form[data-point={PROFORMA_WIDGET}]")
    expect(card.locator(".card-head")).not_to_contain_text("edited")
    with ippay_host.db.reading() as s:
        point = s.execute(select(EntryPointRecord).where(EntryPointRecord.name == PROFORMA_WIDGET)).scalar_one()
        assert (point.enabled, point.edited) == (True, [])
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "entry_point.update")).scalar_one()
        assert entry.details == {"enabled": "True"}

    card.get_by_role("button", name="Save").click()  # saved again unchanged: nothing to audit
    expect(page.locator(".alert").first).to_contain_text("nothing changed")
    with ippay_host.db.reading() as s:
        assert len(s.execute(select(AuditEntry).where(AuditEntry.action == "entry_point.update")).all()) == 1
    page.goto(f"{server.url}/admin/administration/logs/audit")
    row = page.locator("tr", has_text="entry_point.update")
    expect(row).to_contain_text("enabled=True")
    expect(row).not_to_contain_text("code")
    screenshot(page, "ippay", "entry-point-audit")
