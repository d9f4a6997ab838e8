"""An add-on fresh from ``splynx addons new`` installs from the Add-ons page of a running host.

The tutorial's step 4 (docs/tutorial.rst): the kit writes a gateway add-on, its wheel goes
into the host's wheelhouse, and in a real browser the operator installs it from Config →
Integrations → Add-ons; its module is listed, its pages answer, and it appears as a handler
in Finance → Invoices → Charge. The host never restarts.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect
from sqlalchemy import inspect

from core.packages.build import build_wheels
from hostapp.cli import cli
from hostapp.wsgi import LiveApp
from splynx_testing.browser import LiveServer

from .test_addons_page import SHOTS, confirm, log_in_admin, open_addons

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(lifecycle_host):
    running = LiveServer(lifecycle_host, app=LiveApp(lifecycle_host))
    yield running
    running.stop()


def test_a_generated_gateway_installs_from_the_addons_page_and_joins_the_charge_dialog(
        page, server, lifecycle_host, factory, wheelhouse, tmp_path):
    source = tmp_path / "splynx-acme-pay"
    made = CliRunner().invoke(cli, ["addons", "new", "acme_pay", "--kind", "gateway", "--dir", str(source)])
    assert made.exit_code == 0, made.output
    build_wheels([source], wheelhouse, with_dependencies=False)

    log_in_admin(page, server, factory)
    rows = open_addons(page, "acme-pay")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("splynx-acme-pay")
    confirm(page, "Install", "splynx-acme-pay", "Are you sure you want to install splynx-acme-pay?", "install",
            "kit-install")
    expect(page.locator("#addons tr[data-package='splynx-acme-pay']")).to_contain_text("installed")
    assert "acme_pay_transactions" in inspect(lifecycle_host.db.engine).get_table_names()

    page.get_by_role("link", name="Modules list").click()
    expect(page.locator("#modules tr[data-module='splynx_acme_pay_addon']")).to_contain_text("Acme Pay")
    assert page.goto(f"{server.url}/acme-pay/admin/").status == 200

    page.goto(f"{server.url}/admin/finance/charge")
    expect(page.get_by_label("External handler")).to_contain_text("Acme Pay (acme_pay)")
    page.screenshot(path=f"{SHOTS}/kit-charge-dialog.png", full_page=True)
