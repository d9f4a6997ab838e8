"""The add-on's names agree with its id, it loads through its entry point, and its wheel is complete."""

import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import entry_points
from pathlib import Path

from sqlalchemy import select

from core.identity import AddonIdentity
from core.manager import AddonManager
from hostapp.models import EntryPointRecord, Module
from splynx_icharge import addon
from splynx_icharge.models import IchargePayment

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def test_every_name_derives_from_the_id():
    identity = AddonIdentity(addon.MANIFEST.id)
    (ep,) = [e for e in entry_points(group="splynx.addons") if e.name == "icharge"]
    identity.check(entry_point_name=ep.name, dist_name=ep.dist.metadata["Name"], import_name=ep.module,
                   tables=[IchargePayment.__tablename__])
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
    source = tmp_path / "src"  # build from a copy: setuptools leaves build/ and *.egg-info/ behind
    shutil.copytree(PACKAGE_ROOT, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("splynx_icharge-1.0.0-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("splynx_icharge/addon.py", "splynx_icharge/xserv.py", "splynx_icharge/simulator/__main__.py",
                   "splynx_icharge/migrations/icharge0001_payments.py",
                   "splynx_icharge/templates/icharge/pay_modal.html",
                   "splynx_icharge/templates/icharge/macros.html", "splynx_icharge/static/icharge/icharge.js"):
        assert needed in names, needed
    assert not any(n.startswith("tests/") for n in names)
    metadata = zipfile.ZipFile(wheel).read("splynx_icharge-1.0.0.dist-info/entry_points.txt").decode()
    assert "[splynx.addons]" in metadata and "icharge = splynx_icharge.addon" in metadata
