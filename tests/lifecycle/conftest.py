"""Fixtures for the add-on lifecycle tests: real wheels, real pip, a throwaway environment.

The test add-ons under ``tests/addon_sources`` are built into wheels once per session.
pip installs them into a throwaway environment (a venv without pip whose ``.pth`` adds
the test venv's site folder, so splynx-host and its dependencies count as installed);
that environment's site folder is on ``sys.path`` while the tests run, so the host sees
what pip installed exactly as it would in its own environment. The test venv is never
changed.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import bindparam, inspect, text

from core.manager import AddonManager
from core.packages.build import build_wheels, is_source_tree
from hostapp.config import HostConfig
from hostapp.host import Host
from hostapp.models import Base
from hostapp.services import package_jobs
from hostapp.services.addon_orm import dispose_classes
from hostapp.services.jobs import job_status

SOURCES = Path(__file__).resolve().parents[1] / "addon_sources"
#: ids of the test add-ons: their tables, modules and migration rows are scrubbed after each test
TEST_ADDONS = ("demo_pay", "bad_migration", "broken_import", "future_host", "acme_pay")
TEST_REVISIONS = ("dp0001", "dp0002", "bm0001", "acme_pay0001")


@dataclass(frozen=True)
class AddonEnv:
    """The throwaway environment: its interpreter (pip's target) and its site folder."""

    python: Path
    site: Path

    def clear(self) -> None:
        """Uninstall everything pip put there (by deleting it; the .pth stays)."""
        for entry in self.site.iterdir():
            if entry.name != "_splynx_host_env.pth":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        importlib.invalidate_caches()


@pytest.fixture(scope="session")
def addon_wheels(tmp_path_factory) -> Path:
    """Every test add-on built once: ``<name>-1.0.0-*.whl``."""
    out = tmp_path_factory.mktemp("built-wheels")
    build_wheels(sorted(p for p in SOURCES.iterdir() if is_source_tree(p)), out, with_dependencies=False)
    return out


def build_variant(source: str, version: str, target: Path, edit=None) -> Path:
    """Build another version of a test add-on; ``edit(tree)`` may change its files first."""
    tree = target / "src" / f"{source}-{version}"
    shutil.copytree(SOURCES / source, tree, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    setup = tree / "setup.cfg"
    setup.write_text(setup.read_text().replace("version = 1.0.0", f"version = {version}"))
    if edit is not None:
        edit(tree)
    (wheel,) = build_wheels([tree], target / "wheels", with_dependencies=False)
    return wheel.path


@pytest.fixture(scope="session")
def addon_env(tmp_path_factory):
    root = tmp_path_factory.mktemp("addon-env")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    site = next(root.glob("lib/python*/site-packages"))
    (site / "_splynx_host_env.pth").write_text(
        f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    sys.path.append(str(site))
    yield AddonEnv(python=root / "bin" / "python", site=site)
    sys.path.remove(str(site))
    importlib.invalidate_caches()


def forget_test_addons() -> None:
    """Drop the test add-ons' modules, mapped classes and ORM tables from this process."""
    packages = {f"splynx_{a}" for a in TEST_ADDONS}
    dispose_classes(packages)
    for name in [m for m in sys.modules if m.split(".")[0] in packages]:
        del sys.modules[name]
    for table in list(Base.metadata.tables.values()):
        if table.name.startswith(tuple(f"{a}_" for a in TEST_ADDONS)):
            Base.metadata.remove(table)


def scrub_database(db) -> None:
    """Whatever a failed test left of the test add-ons in the shared test database."""
    engine = db.engine
    with engine.begin() as connection:
        for name in inspect(connection).get_table_names():
            if name.startswith(tuple(f"{a}_" for a in TEST_ADDONS)):
                connection.execute(text(f"DROP TABLE {engine.dialect.identifier_preparer.quote(name)}"))
        connection.execute(text("DELETE FROM alembic_version WHERE version_num IN :revs").bindparams(
            bindparam("revs", expanding=True)), {"revs": list(TEST_REVISIONS)})


@pytest.fixture
def wheelhouse(tmp_path, addon_wheels) -> Path:
    folder = tmp_path / "wheelhouse"
    folder.mkdir()
    for wheel in addon_wheels.glob("*.whl"):
        shutil.copy(wheel, folder)
    return folder


@pytest.fixture
def lifecycle_config(tmp_path, database_url, wheelhouse, addon_env) -> HostConfig:
    return HostConfig(instance_path=tmp_path / "instance", database_url=database_url, session_secret="test-secret",
                      wheelhouse=str(wheelhouse), addon_python=str(addon_env.python))


@pytest.fixture
def lifecycle_host(clean_db, lifecycle_config, addon_env):
    """A host whose add-ons come from entry points and whose packages come from the wheelhouse."""
    manager = AddonManager(strict=False)
    manager.discover()
    host = Host.build(lifecycle_config, addons=manager, db=clean_db)
    host.registry.sync("test")
    yield host
    host.jobs.shutdown()
    migrator = host.registry.migrator
    if migrator.stash_root.is_dir():
        for stashed in sorted(migrator.stash_root.iterdir()):
            migrator.downgrade_addon(stashed.name)
    addon_env.clear()
    forget_test_addons()
    scrub_database(clean_db)
    leaked = [p.name for p in Path(sysconfig.get_paths()["purelib"]).iterdir()
              if p.name.startswith(tuple(f"splynx_{a}" for a in TEST_ADDONS))]
    assert not leaked, f"pip installed into the test venv: {leaked}"


def wait_for_job(host, job_id: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = job_status(host.db, job_id)
        if status["status"] in ("succeeded", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {status}")


def run_package_job(host, action: str, package: str, actor: str = "admin:root") -> dict:
    return wait_for_job(host, package_jobs.submit(host, action, package, actor))
