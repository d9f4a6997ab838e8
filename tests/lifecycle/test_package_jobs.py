"""Install, remove, re-install, purge and update real add-on wheels as jobs, served without a restart."""

from __future__ import annotations

import gc
import sys

from sqlalchemy import func, inspect, select, text
from werkzeug.test import Client

from core.models import Base
from hostapp.models import AuditEntry, EntryPointRecord, Module, ModuleSetting
from hostapp.services import package_jobs
from hostapp.services.addon_set import current_generation
from hostapp.wsgi import LiveApp
from splynx_testing.fixtures import make_test_app

from .conftest import build_variant, run_package_job


DEMO = "splynx-demo-pay"


def addon_classes(package: str) -> list[type]:
    """The classes of ``package`` the ORM registry still maps (after dropped references are collected)."""
    gc.collect()
    return [m.class_ for m in Base.registry.mappers if m.class_.__module__.split(".")[0] == package]


def portal_client(live: LiveApp, customer) -> Client:
    client = Client(live)
    response = client.post("/portal/login", data={"login": customer.login, "password": "customer-password"})
    assert response.status_code == 302
    return client


def module(host, addon_id: str) -> Module | None:
    with host.db.transaction() as session:
        return session.execute(select(Module).where(Module.addon_id == addon_id)).scalar_one_or_none()


def count(host, model, *where) -> int:
    with host.db.transaction() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def tables(host) -> set[str]:
    return set(inspect(host.db.engine).get_table_names())


def test_install_remove_reinstall_purge_on_a_running_app(lifecycle_host, factory):
    host = lifecycle_host
    customer = factory.customer()
    live = LiveApp(host, factory=make_test_app)
    portal = portal_client(live, customer)
    assert portal.get("/demo-pay/").status_code == 404
    generation = current_generation(host.db)

    plan = package_jobs.plan(host, "install", DEMO)
    assert plan.ok and [(c.name, c.change, c.version) for c in plan.changes] == [(DEMO, "install", "1.0.0")]
    assert plan.download_size > 0

    job = run_package_job(host, "install", DEMO)
    assert job["status"] == "succeeded", job["log"]
    assert job["progress"] == 100 and "Successfully installed splynx-demo-pay-1.0.0" in job["log"]
    assert current_generation(host.db) > generation
    installed = module(host, "demo_pay")
    assert (installed.status, installed.version, installed.name) == ("enabled", "1.0.0", "splynx_demo_pay_addon")
    assert "demo_pay_receipts" in tables(host)
    assert count(host, ModuleSetting, ModuleSetting.addon_id == "demo_pay") == 1
    page = portal.get("/demo-pay/")
    assert page.status_code == 200 and b"Demo pay keeps 0 receipt(s)." in page.data  # add-on template, live
    assert live.rebuilds == 1

    # the operator's data and edits, which remove must keep
    with host.db.transaction() as session:
        session.execute(text("INSERT INTO demo_pay_receipts (reference) VALUES ('R-1')"))
        session.execute(select(ModuleSetting).where(ModuleSetting.addon_id == "demo_pay")).scalar_one().value = \
            '"Pay now"'
        point = session.execute(select(EntryPointRecord).where(EntryPointRecord.addon_id == "demo_pay")).scalar_one()
        point.enabled, point.title, point.edited = True, "Edited title", ["title"]

    job = run_package_job(host, "remove", DEMO)
    assert job["status"] == "succeeded", job["log"]
    assert module(host, "demo_pay").status == "removed"
    assert portal.get("/demo-pay/").status_code == 404
    assert "demo_pay" not in host.addons.loaded and host.packages.installed_version(DEMO) is None
    assert addon_classes("splynx_demo_pay") == [] and "splynx_demo_pay" not in sys.modules  # nothing stale
    assert "demo_pay_receipts" in tables(host)
    assert count(host, ModuleSetting, ModuleSetting.addon_id == "demo_pay") == 1

    job = run_package_job(host, "install", DEMO)
    assert job["status"] == "succeeded", job["log"]
    assert module(host, "demo_pay").status == "enabled"
    assert b"Demo pay keeps 1 receipt(s)." in portal.get("/demo-pay/").data
    with host.db.transaction() as session:
        assert session.execute(select(ModuleSetting.value).where(ModuleSetting.addon_id == "demo_pay")).scalar_one() \
            == '"Pay now"'
        point = session.execute(select(EntryPointRecord).where(EntryPointRecord.addon_id == "demo_pay")).scalar_one()
        assert (point.title, point.enabled) == ("Edited title", True)

    job = run_package_job(host, "purge", DEMO)
    assert job["status"] == "succeeded", job["log"]
    assert "dropped demo_pay_receipts" in job["log"]
    assert module(host, "demo_pay") is None
    assert "demo_pay_receipts" not in tables(host)
    assert count(host, ModuleSetting, ModuleSetting.addon_id == "demo_pay") == 0
    assert count(host, EntryPointRecord, EntryPointRecord.addon_id == "demo_pay") == 0
    assert portal.get("/demo-pay/").status_code == 404

    with host.db.transaction() as session:
        audit = session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.target)
                                .order_by(AuditEntry.id)).all()
    assert ("admin:root", "package.install", DEMO) in audit
    assert ("admin:root", "addon.installed", "demo_pay") in audit
    assert ("admin:root", "addon.removed", "demo_pay") in audit
    assert ("admin:root", "addon.purged", "demo_pay") in audit


def test_update_reimports_new_code_and_migrates(lifecycle_host, factory, wheelhouse, tmp_path):
    host = lifecycle_host
    customer = factory.customer()
    live = LiveApp(host, factory=make_test_app)
    portal = portal_client(live, customer)
    assert run_package_job(host, "install", DEMO)["status"] == "succeeded"
    assert b"Demo pay keeps 0 receipt(s)." in portal.get("/demo-pay/").data

    def edit(tree):
        template = tree / "splynx_demo_pay/templates/demo_pay/index.html"
        template.write_text(template.read_text().replace("Demo pay keeps", "Demo pay 1.1 keeps"))
        (tree / "splynx_demo_pay/migrations/dp0002_refunds.py").write_text(
            '"""demo_pay refunds\n\nRevision ID: dp0002\nRevises: dp0001\n"""\n'
            "import sqlalchemy as sa\nfrom alembic import op\n\n"
            'revision = "dp0002"\ndown_revision = "dp0001"\nbranch_labels = None\ndepends_on = None\n\n\n'
            "def upgrade() -> None:\n"
            '    op.create_table("demo_pay_refunds", sa.Column("id", sa.Integer(), primary_key=True))\n\n\n'
            "def downgrade() -> None:\n"
            '    op.drop_table("demo_pay_refunds")\n')

    newer = build_variant("splynx-demo-pay", "1.1.0", tmp_path, edit)
    newer.replace(wheelhouse / newer.name)
    plan = package_jobs.plan(host, "upgrade", DEMO)
    assert plan.ok, plan.problems
    assert [(c.change, c.from_version, c.version) for c in plan.changes] == [("upgrade", "1.0.0", "1.1.0")]

    job = run_package_job(host, "upgrade", DEMO)
    assert job["status"] == "succeeded", job["log"]
    assert module(host, "demo_pay").version == "1.1.0"
    assert "demo_pay_refunds" in tables(host)
    assert b"Demo pay 1.1 keeps 0 receipt(s)." in portal.get("/demo-pay/").data  # new code, same process
    [mapped] = addon_classes("splynx_demo_pay")  # the old code's mapper is gone, the new one is the only one
    assert mapped is sys.modules["splynx_demo_pay.models"].DemoPayReceipt
    assert package_jobs.plan(host, "upgrade", DEMO).problems == [f"{DEMO} 1.1.0 is already the newest version"]


def test_an_addon_for_a_newer_host_is_refused_in_the_plan(lifecycle_host):
    host = lifecycle_host
    plan = package_jobs.plan(host, "install", "splynx-future-host")
    assert not plan.ok
    assert plan.problems == ["splynx-future-host 1.0.0 needs splynx-host >=99.0, but this host runs 1.0.0. "
                             "Upgrade the host first."]
    job = run_package_job(host, "install", "splynx-future-host")
    assert job["status"] == "failed" and "needs splynx-host >=99.0" in job["error"]
    assert host.packages.installed_version("splynx-future-host") is None
    assert module(host, "future_host") is None


def _assert_nothing_left(host, addon_id: str, package: str) -> None:
    assert host.packages.installed_version(package) is None
    assert addon_id not in host.addons.loaded and addon_id not in host.addons.broken
    assert module(host, addon_id) is None
    assert count(host, ModuleSetting, ModuleSetting.addon_id == addon_id) == 0
    assert count(host, EntryPointRecord, EntryPointRecord.addon_id == addon_id) == 0
    assert not [t for t in tables(host) if t.startswith(addon_id + "_")]
    assert not (host.registry.migrator.stash_root / addon_id).exists()


def test_broken_and_failing_addons_are_rolled_back_and_the_host_keeps_serving(lifecycle_host, factory):
    host = lifecycle_host
    customer = factory.customer()
    live = LiveApp(host, factory=make_test_app)
    portal = portal_client(live, customer)
    assert run_package_job(host, "install", DEMO)["status"] == "succeeded"

    job = run_package_job(host, "install", "splynx-broken-import")
    assert job["status"] == "failed"
    assert job["error"] == ("splynx-broken-import cannot be loaded: ModuleNotFoundError: "
                            "No module named 'splynx_module_that_is_not_installed'")
    assert "Rolling back: splynx-broken-import is uninstalled again." in job["log"]
    _assert_nothing_left(host, "broken_import", "splynx-broken-import")

    job = run_package_job(host, "install", "splynx-bad-migration")
    assert job["status"] == "failed"
    assert job["error"].startswith("splynx-bad-migration: ") and "no_such_table_anywhere" in job["error"]
    _assert_nothing_left(host, "bad_migration", "splynx-bad-migration")

    # the other add-on and the host still work, and the host can still start (migrate + sync)
    assert b"Demo pay keeps 0 receipt(s)." in portal.get("/demo-pay/").data
    assert portal.get("/portal/").status_code == 200
    host.registry.migrator.upgrade_all()
    assert not host.registry.sync("test").failed
    with host.db.transaction() as session:
        failures = session.execute(select(AuditEntry.target, AuditEntry.details)
                                   .where(AuditEntry.action == "package.install")).all()
    assert {target for target, details in failures if details["status"] == "failed"} == {
        "splynx-broken-import", "splynx-bad-migration"}


class _Quiet:
    """A reporter for package runs made outside a job (as an operator's own pip or apt would be)."""

    def log(self, line: str) -> None:
        pass

    def progress(self, percent: float) -> None:
        pass


def test_startup_reconciles_the_registry_with_what_is_installed(lifecycle_host, lifecycle_config, clean_db):
    from core.manager import AddonManager
    from hostapp.host import Host
    from hostapp.services.bootstrap import prepare_database

    host = lifecycle_host
    assert run_package_job(host, "install", DEMO)["status"] == "succeeded"
    with host.db.transaction() as session:
        session.execute(text("INSERT INTO demo_pay_receipts (reference) VALUES ('R-1')"))

    def restart() -> Host:
        manager = AddonManager(strict=False)
        manager.discover()
        restarted = Host.build(lifecycle_config, addons=manager, db=clean_db)
        prepare_database(restarted)
        return restarted

    host.packages.run("remove", DEMO, _Quiet())  # removed behind the host's back, then a restart
    restart()
    assert module(host, "demo_pay").status == "removed"
    assert count(host, ModuleSetting, ModuleSetting.addon_id == "demo_pay") == 1

    host.packages.run("install", DEMO, _Quiet())
    restarted = restart()
    assert module(host, "demo_pay").status == "enabled" and "demo_pay" in restarted.addons.loaded
    with host.db.transaction() as session:
        assert session.execute(text("SELECT reference FROM demo_pay_receipts")).scalars().all() == ["R-1"]
    assert count(host, ModuleSetting, ModuleSetting.addon_id == "demo_pay") == 1
    restarted.jobs.shutdown()


def test_a_failed_update_keeps_the_data_marks_the_module_broken_and_the_host_startable(lifecycle_host, factory,
                                                                                          wheelhouse, tmp_path):
    host = lifecycle_host
    assert run_package_job(host, "install", DEMO)["status"] == "succeeded"
    with host.db.transaction() as session:
        session.execute(text("INSERT INTO demo_pay_receipts (reference) VALUES ('R-1')"))

    def failing_migration(tree):
        (tree / "splynx_demo_pay/migrations/dp0002_broken.py").write_text(
            '"""broken\n\nRevision ID: dp0002\nRevises: dp0001\n"""\nfrom alembic import op\n\n'
            'revision = "dp0002"\ndown_revision = "dp0001"\nbranch_labels = None\ndepends_on = None\n\n\n'
            'def upgrade() -> None:\n    op.execute("UPDATE no_such_table_anywhere SET x = 1")\n\n\n'
            "def downgrade() -> None:\n    pass\n")

    broken = build_variant("splynx-demo-pay", "1.2.0", tmp_path, failing_migration)
    broken.replace(wheelhouse / broken.name)
    job = run_package_job(host, "upgrade", DEMO)
    assert job["status"] == "failed" and "no_such_table_anywhere" in job["error"]
    assert "the module stays broken until it is re-installed, updated or removed" in job["log"]
    row = module(host, "demo_pay")
    assert (row.status, row.version) == ("broken", "1.0.0") and "no_such_table_anywhere" in row.last_error
    assert host.packages.installed_version(DEMO) == "1.2.0"
    assert sorted(p.name for p in (host.registry.migrator.stash_root / "demo_pay").glob("*.py")) == [
        "dp0001_receipts.py"]
    host.registry.migrator.upgrade_all()  # a restart still migrates: the broken revision is not stashed
    with host.db.transaction() as session:
        assert session.execute(text("SELECT reference FROM demo_pay_receipts")).scalars().all() == ["R-1"]
    live = LiveApp(host, factory=make_test_app)
    assert portal_client(live, factory.customer()).get("/demo-pay/").status_code == 404

    assert run_package_job(host, "remove", DEMO)["status"] == "succeeded"
    assert module(host, "demo_pay").status == "removed"


def test_an_install_migrates_while_others_hold_the_write_lock(lifecycle_host):
    """SQLite: a migration that read first could not take the write lock beside another writer
    (SQLite fails such an upgrade at once, without waiting); migrations take it up front instead."""
    import threading
    import time

    host = lifecycle_host
    stop = threading.Event()

    def writer():  # like the progress panel polling job status: short write transactions, back to back
        while not stop.is_set():
            with host.db.transaction() as session:
                session.execute(text("SELECT 1"))
                time.sleep(0.02)
            time.sleep(0.002)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        job = run_package_job(host, "install", DEMO)
    finally:
        stop.set()
        thread.join()
    assert job["status"] == "succeeded", job["error"]
