"""The Add-ons page in a real browser, on one running server that never restarts.

The server is a :class:`hostapp.wsgi.LiveApp` (what ``splynx serve`` and gunicorn run); pip
installs real wheels into the throwaway environment of ``conftest.py``.
"""

from __future__ import annotations

import fcntl
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import inspect, select

from hostapp.models import Job
from hostapp.wsgi import LiveApp
from splynx_testing.browser import LiveServer, portal_page_for, modal_layer

from .conftest import wait_for_job

pytestmark = pytest.mark.e2e
#: what runs pip (the confirm dialog's plan, a job's first lines) takes seconds on a busy machine: longer than expect's 5 s
PLAN_WAIT = 30_000

SHOTS = "test-artifacts/lifecycle"


@pytest.fixture
def server(lifecycle_host):
    running = LiveServer(lifecycle_host, app=LiveApp(lifecycle_host))
    yield running
    running.stop()


def log_in_admin(page, server, factory):
    factory.admin(login="root", password="root-password")
    page.goto(f"{server.url}/admin/login")
    page.get_by_label("Login").fill("root")
    page.get_by_label("Password").fill("root-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def open_addons(page, search: str):
    page.get_by_role("link", name="Add-ons").click()
    page.get_by_role("searchbox", name="Search add-ons").fill(search)
    with page.expect_navigation():  # until the results page has loaded: its buttons open dialogs only then
        page.get_by_role("button", name="Search").click()
    return page.locator("#addons tbody tr")


def confirm(page, action: str, package: str, question: str, plan_text: str, shot: str):
    """Click an action icon, check the dialog and its plan, confirm, wait for the job to end."""
    page.get_by_role("button", name=f"{action} {package}").click()
    modal = modal_layer(page).locator(".modal")
    expect(modal).to_contain_text(question)
    expect(modal.locator(".plan")).to_contain_text(plan_text, timeout=PLAN_WAIT)
    expect(modal.get_by_role("button", name="No, cancel")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/{shot}-confirm.png")
    modal.get_by_role("button", name="OK, confirm").click()
    bar = modal.locator(".progress .bar")
    expect(bar).to_have_text("100%", timeout=60_000)
    expect(bar).to_have_class(re.compile(r"\bdone\b"))
    page.screenshot(path=f"{SHOTS}/{shot}-done.png")
    modal.locator("footer").get_by_role("button", name="Close").click()
    page.wait_for_load_state()


def test_install_configure_remove_and_purge_from_the_addons_page(page, server, lifecycle_host, factory):
    customer = factory.customer(name="Ada Example")
    log_in_admin(page, server, factory)
    rows = open_addons(page, "demo-pay")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("splynx-demo-pay")
    expect(rows.first).to_contain_text("1.0.0")
    page.screenshot(path=f"{SHOTS}/catalog.png", full_page=True)

    confirm(page, "Install", "splynx-demo-pay", "Are you sure you want to install splynx-demo-pay?",
            "install", "install")
    row = page.locator("#addons tr[data-package='splynx-demo-pay']")
    expect(row).to_contain_text("installed")
    expect(row.get_by_role("button", name="Remove splynx-demo-pay")).to_be_visible()

    page.get_by_role("link", name="Modules list").click()
    module_row = page.locator("#modules tr[data-module='splynx_demo_pay_addon']")
    expect(module_row).to_contain_text("Demo pay")
    module_row.get_by_role("link", name="Edit entry points").click()
    card = page.locator("form[data-point='demo_pay_dashboard']")
    card.get_by_label("Enabled").check()
    card.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Entry point demo_pay_dashboard saved: enabled changed.")

    portal_page_for(page, server, customer)
    expect(page.locator(".demo-pay-widget")).to_have_text("Demo pay is ready for Ada Example")
    page.screenshot(path=f"{SHOTS}/portal-widget.png")
    assert page.goto(f"{server.url}/demo-pay/").status == 200

    page.goto(f"{server.url}/admin/config/integrations/add-ons?q=demo")
    confirm(page, "Remove", "splynx-demo-pay", "Are you sure you want to remove splynx-demo-pay?",
            "settings and entry points are kept", "remove")
    expect(page.locator("#addons tr[data-package='splynx-demo-pay']")).to_contain_text("removed, data kept")
    assert page.goto(f"{server.url}/demo-pay/").status == 404
    assert "demo_pay_receipts" in inspect(lifecycle_host.db.engine).get_table_names()

    page.goto(f"{server.url}/admin/config/integrations/add-ons?q=demo")
    confirm(page, "Purge", "splynx-demo-pay", "Are you sure you want to purge splynx-demo-pay?",
            "Purge drops the tables demo_pay_receipts", "purge")
    expect(page.locator("#addons tr[data-package='splynx-demo-pay']")).not_to_contain_text("removed")
    assert "demo_pay_receipts" not in inspect(lifecycle_host.db.engine).get_table_names()


def test_a_reload_reconnects_to_the_running_job_and_shows_its_failure(page, server, lifecycle_host, factory):
    log_in_admin(page, server, factory)
    open_addons(page, "broken-import")
    page.get_by_role("button", name="Install splynx-broken-import").click()
    modal = modal_layer(page).locator(".modal")
    expect(modal.locator(".plan")).to_contain_text("splynx-broken-import", timeout=PLAN_WAIT)
    # another package operation holds the machine lock, so the job waits where a reload can find it
    with open(lifecycle_host.config.instance_path / "package-operations.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        modal.get_by_role("button", name="OK, confirm").click()
        expect(modal.locator(".console")).to_contain_text("Waiting for another package operation", timeout=PLAN_WAIT)
        page.reload()
        active = page.locator("#active-job")
        expect(active).to_contain_text("Install splynx-broken-import", timeout=PLAN_WAIT)
        fcntl.flock(lock, fcntl.LOCK_UN)
    expect(active.locator(".progress .bar")).to_have_class(re.compile(r"\bfailed\b"), timeout=60_000)
    expect(active.locator(".console")).to_contain_text(
        "ERROR: splynx-broken-import cannot be loaded: ModuleNotFoundError")
    page.screenshot(path=f"{SHOTS}/failed-job.png", full_page=True)
    # the catalog and the job list follow the job without a reload
    expect(page.locator("#package-jobs")).to_contain_text("failed")
    expect(page.locator("#addons tr[data-package='splynx-broken-import']")).not_to_contain_text("installed")
    assert page.goto(f"{server.url}/portal/login").status == 200


def test_a_host_too_old_is_refused_in_the_confirm_dialog(page, server, factory):
    log_in_admin(page, server, factory)
    open_addons(page, "future-host")
    page.get_by_role("button", name="Install splynx-future-host").click()
    modal = modal_layer(page).locator(".modal")
    expect(modal.locator(".alert-error")).to_contain_text("needs splynx-host >=99.0, but this host runs 1.0.0",
                                                     timeout=PLAN_WAIT)
    expect(modal.get_by_role("button", name="OK, confirm")).to_be_disabled()
    page.screenshot(path=f"{SHOTS}/refused.png")


def test_without_javascript_install_asks_on_a_page_before_the_job_starts(browser, server, lifecycle_host, factory):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in_admin(page, server, factory)
        open_addons(page, "demo-pay")
        with page.expect_navigation():
            page.get_by_role("button", name="Install splynx-demo-pay").click()
        expect(page.get_by_role("heading", name="Install splynx-demo-pay")).to_be_visible()
        expect(page.get_by_text("Are you sure you want to install splynx-demo-pay?")).to_be_visible()
        expect(page.locator(".plan-changes")).to_contain_text("splynx-demo-pay")
        page.screenshot(path=f"{SHOTS}/no-js-confirm.png", full_page=True)
        with lifecycle_host.db.reading() as session:
            assert session.execute(select(Job)).first() is None  # asking started nothing
        with page.expect_navigation():
            page.get_by_role("link", name="No, cancel").click()
        expect(page.get_by_role("heading", name="Add-ons")).to_be_visible()
        open_addons(page, "demo-pay")
        with page.expect_navigation():
            page.get_by_role("button", name="Install splynx-demo-pay").click()
        with page.expect_navigation():
            page.get_by_role("button", name="OK, confirm").click()
        expect(page.locator(".alert-info")).to_contain_text("Install splynx-demo-pay: the job is queued")
        page.screenshot(path=f"{SHOTS}/no-js-started.png", full_page=True)
        with lifecycle_host.db.reading() as session:
            job_id = session.execute(select(Job.id)).scalar_one()
        assert wait_for_job(lifecycle_host, job_id)["status"] == "succeeded"
    finally:
        context.close()
