"""The add-on's names agree with its id, it loads through its entry point, and its wheel is complete."""

from pathlib import Path

from sqlalchemy import select

from core.manager import AddonManager
from hostapp.models import EntryPointRecord, Module
from splynx_icharge import addon
from splynx_icharge.models import IchargePayment
from splynx_testing.package import check_names, check_wheel

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def test_every_name_derives_from_the_id():
    check_names(addon.MANIFEST, tables=[IchargePayment.__tablename__])
    identity = addon.MANIFEST.identity
    assert identity.url_prefix == "/icharge" and identity.module_name == "splynx_icharge_addon"
    migration = (PACKAGE_ROOT / "splynx_icharge/migrations/icharge0001_payments.py").read_text()
    assert 'branch_labels = ("icharge",)' in migration and 'depends_on = "host0001"' in migration


def test_discovered_through_the_entry_point_group():
    manager = AddonManager(strict=True)
    manager.discover()
    assert manager.loaded["icharge"].dist_name == "splynx-icharge"
    assert manager.loaded["icharge"].version == "1.0.0"


def test_module_and_entry_points_after_install(icharge_host):
    with icharge_host.db.transaction() as s:
        module = s.execute(select(Module).where(Module.addon_id == "icharge")).scalar_one()
        points = dict(s.execute(select(EntryPointRecord.name, EntryPointRecord.enabled)
                                .where(EntryPointRecord.module == module.name)).all())
    assert (module.name, module.title, module.status) == ("splynx_icharge_addon", "Splynx iCharge Add-on", "enabled")
    assert points == {"icharge_cards": True, "icharge_pay_invoice": True, "icharge_pay_proforma": True,
                      "icharge_dashboard_invoices": False, "icharge_dashboard_proformas": False,
                      "icharge_dashboard_refill": False, "icharge_admin_pay_invoice": True,
                      "icharge_admin_pay_proforma": True, "icharge_admin_customer": True}


def test_wheel_carries_templates_static_and_migrations(tmp_path):
    check_wheel(PACKAGE_ROOT, tmp_path, addon.MANIFEST, needed=(
        "splynx_icharge/addon.py", "splynx_icharge/xserv.py", "splynx_icharge/simulator/__main__.py",
        "splynx_icharge/migrations/icharge0001_payments.py",
        "splynx_icharge/templates/icharge/pay_modal.html",
        "splynx_icharge/templates/icharge/macros.html", "splynx_icharge/static/icharge/icharge.js"))
