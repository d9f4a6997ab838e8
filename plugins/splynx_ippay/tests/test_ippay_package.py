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
from splynx_ippay import addon
from splynx_ippay.models import IppayTransaction

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def test_every_name_derives_from_the_id():
    identity = AddonIdentity(addon.MANIFEST.id)
    (ep,) = [e for e in entry_points(group="splynx.addons") if e.name == "ippay"]
    identity.check(entry_point_name=ep.name, dist_name=ep.dist.metadata["Name"], import_name=ep.module,
                   tables=[IppayTransaction.__tablename__])
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
    source = tmp_path / "src"  # build from a copy: setuptools leaves build/ and *.egg-info/ behind
    shutil.copytree(PACKAGE_ROOT, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("splynx_ippay-1.0.0-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("splynx_ippay/addon.py", "splynx_ippay/simulator/__main__.py",
                   "splynx_ippay/migrations/ippay0001_transactions.py", "splynx_ippay/templates/ippay/pay_modal.html",
                   "splynx_ippay/templates/ippay/macros.html", "splynx_ippay/static/ippay/ippay.css"):
        assert needed in names, needed
    assert not any(n.startswith("tests/") for n in names)
    metadata = zipfile.ZipFile(wheel).read("splynx_ippay-1.0.0.dist-info/entry_points.txt").decode()
    assert "[splynx.addons]" in metadata and "ippay = splynx_ippay.addon" in metadata
