"""IntentPay installed into a real host (migrated database, synced module, its pages)."""

from sqlalchemy import inspect

from splynx_intentpay import addon
from splynx_intentpay.settings import ADDON_ID, SETTINGS
from splynx_testing.package import check_names


def test_every_name_agrees_with_the_id():
    check_names(addon.MANIFEST)


def test_install_migrates_its_branch_and_registers_the_module(addon_host):
    tables = inspect(addon_host.db.engine).get_table_names()
    assert [t for t in tables if t.startswith("intentpay_")], "the first revision created the tables"
    addon.MANIFEST.identity.check(tables=[t for t in tables if t.startswith("intentpay_")])
    assert ADDON_ID in addon_host.addons.loaded
    with addon_host.db.transaction() as session:
        values = addon_host.settings.values(session, ADDON_ID, SETTINGS, None)
    assert values == SETTINGS.defaults(), "the settings start at the schema's defaults"


def test_the_admin_page_lists_the_records(addon_admin):
    page = addon_admin.get("/intentpay/admin/")
    assert page.status_code == 200
    assert "IntentPay" in page.get_data(as_text=True)


def test_the_portal_page_needs_a_login_and_shows_the_customers_records(addon_app, factory, portal_client):
    assert addon_app.test_client().get("/intentpay/portal/").status_code in (302, 303)
    page = portal_client(factory.customer()).get("/intentpay/portal/")
    assert page.status_code == 200
    assert "Nothing yet." in page.get_data(as_text=True)
