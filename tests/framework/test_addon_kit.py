"""``splynx addons new``: the add-on kit writes distributions whose own tests pass unchanged.

Each kind is generated into a temporary folder, built and installed with pip into a folder
of its own (``--target``, so this environment keeps its add-on set), and its tests run in a
pytest process of their own on the host's test kit (the ``splynx_testing`` plugin).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.identity import AddonIdentity
from core.version import API_VERSION
from hostapp.cli import cli


def generate(tmp_path: Path, addon_id: str, kind: str) -> Path:
    folder = tmp_path / AddonIdentity(addon_id).dist_name
    result = CliRunner().invoke(cli, ["addons", "new", addon_id, "--kind", kind, "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"into {folder}/" in result.output
    return folder


def test_names_come_from_the_id_and_the_api_range_from_the_host(tmp_path):
    folder = generate(tmp_path, "acme_pay", "gateway")
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"setup.cfg", "pyproject.toml", "README.md", "splynx_acme_pay/addon.py", "splynx_acme_pay/client.py",
            "splynx_acme_pay/simulator/__init__.py", "splynx_acme_pay/migrations/acme_pay0001_initial.py",
            "splynx_acme_pay/templates/acme_pay/admin/index.html", "tests/conftest.py"} <= files
    setup = (folder / "setup.cfg").read_text()
    assert "name = splynx-acme-pay" in setup and "acme_pay = splynx_acme_pay.addon" in setup
    assert f'requires_api=">={API_VERSION},<' in (folder / "splynx_acme_pay/addon.py").read_text()
    migration = (folder / "splynx_acme_pay/migrations/acme_pay0001_initial.py").read_text()
    assert 'branch_labels = ("acme_pay",)' in migration and '"acme_pay_transactions"' in migration
    assert '{% extends "admin/layout.html" %}' in (folder / "splynx_acme_pay/templates/acme_pay/admin/index.html") \
        .read_text(), "the add-on's own Jinja templates pass through the kit verbatim"


def test_a_bad_id_or_a_used_folder_is_refused_with_a_clear_message(tmp_path):
    runner = CliRunner()
    bad = runner.invoke(cli, ["addons", "new", "Acme-Pay", "--dir", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "add-on id 'Acme-Pay' is invalid" in bad.output
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "keep.txt").write_text("mine")
    used = runner.invoke(cli, ["addons", "new", "acme", "--dir", str(tmp_path / "used")])
    assert used.exit_code == 1 and "exists and is not empty" in used.output
    assert (tmp_path / "used" / "keep.txt").read_text() == "mine", "nothing of the folder was touched"


@pytest.mark.parametrize("kind", ["feature", "gateway"])
def test_a_generated_addon_installs_and_passes_its_own_tests(tmp_path, kind):
    folder = generate(tmp_path, f"acme_{kind[:4]}", kind)
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(folder)], check=True, capture_output=True)
    # its tests start from an empty database of their own (SQLite in their temporary folder): on this run's server
    # database they would leave the add-on's tables and Alembic revision behind for the tests after them
    env = {key: value for key, value in os.environ.items() if key != "SPLYNX_DATABASE_URL"}
    env["PYTHONPATH"] = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=folder,
                         env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "skipped" not in run.stdout
