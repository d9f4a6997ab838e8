"""The add-on's names agree with its id, it loads through its entry point, and its wheel is complete."""

from pathlib import Path

from sqlalchemy import select

from core.manager import AddonManager
from hostapp.models import EntryPointRecord, Module
from splynx_ippay import addon
from splynx_ippay.models import IppayTransaction
from splynx_testing.package import check_names, check_wheel

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def test_every_name_derives_from_the_id():
    check_names(addon.MANIFEST, tables=[IppayTransaction.__tablename__])
    identity = addon.MANIFEST.identity
    assert identity.url_prefix == "/ippay" and identity.module_name == "splynx_ippay_addon"
    migration = (PACKAGE_ROOT / "splynx_ippay/migrations/ippay0001_transactions.py").read_text()
    assert 'branch_labels = ("ippay",)' in migration and 'depends_on = "host0001"' in migration


def test_discovered_through_the_entry_point_group():
    manager = AddonManager(strict=True)
    manager.discover()
    assert manager.loaded["ippay"].dist_name == "splynx-ippay"
    assert manager.loaded["ippay"].version == "1.0.0"


def test_module_and_entry_points_after_install(ippay_host):
    with ippay_host.db.transaction() as s:
        module = s.execute(select(Module).where(Module.addon_id == "ippay")).scalar_one()
        points = dict(s.execute(select(EntryPointRecord.name, EntryPointRecord.enabled)).all())
    assert (module.name, module.status) == ("splynx_ippay_addon", "enabled")
    assert points == {"ippay_credentials": True, "ippay_pay_invoice": True, "ippay_pay_proforma": True,
                      "ippay_dashboard_invoices": True, "ippay_dashboard_proformas": False,
                      "ippay_admin_pay_invoice": True, "ippay_admin_pay_proforma": True,
                      "ippay_admin_customer": True}


def test_wheel_carries_templates_static_and_migrations(tmp_path):
    check_wheel(PACKAGE_ROOT, tmp_path, addon.MANIFEST, needed=(
        "splynx_ippay/addon.py", "splynx_ippay/simulator/__main__.py",
        "splynx_ippay/migrations/ippay0001_transactions.py", "splynx_ippay/templates/ippay/pay_modal.html",
        "splynx_ippay/templates/ippay/macros.html", "splynx_ippay/static/ippay/ippay.css"))
