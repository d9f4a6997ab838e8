"""Fixtures for host, framework and add-on tests (loaded by the ``pytest11`` plugin).

The database is SQLite in a temporary folder unless ``SPLYNX_DATABASE_URL`` names a
MariaDB or PostgreSQL database (CI runs the suite on all three). The schema is migrated
once per session; every test starts from empty tables plus the reference data.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import MetaData, text

from core.manager import AddonManager
from hostapp.app import create_app
from hostapp.config import HostConfig
from hostapp.db import Database
from hostapp.host import Host
from hostapp.services.bootstrap import seed_reference_data
from hostapp.services.migrations import Migrator
from hostapp.services.numbering import drop_sequences

from splynx_testing.factories import Factory
from splynx_testing.machine import require_module


@pytest.fixture(scope="session")
def run_id() -> str:
    """Unique to this test run: names a test makes on a shared service (Redis, RabbitMQ) carry it."""
    return uuid.uuid4().hex[:12]


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def database_url(instance_dir) -> str:
    return os.environ.get("SPLYNX_DATABASE_URL") or f"sqlite:///{instance_dir / 'test.db'}"


@pytest.fixture(scope="session")
def database(database_url, instance_dir):
    db = Database(database_url)
    _drop_everything(db)
    Migrator(db.engine, instance_dir).upgrade_all()
    yield db
    db.dispose()


def _drop_everything(db: Database) -> None:
    """Start a server database from nothing (a previous run may have left tables)."""
    meta = MetaData()
    meta.reflect(bind=db.engine)
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "mysql":
            conn.execute(text("SET FOREIGN_KEY_CHECKS=0"))
        meta.drop_all(bind=conn)
        drop_sequences(conn)


def empty_tables(db: Database) -> None:
    meta = MetaData()
    meta.reflect(bind=db.engine)
    tables = [t for t in reversed(meta.sorted_tables) if t.name != "alembic_version"]
    with db.engine.begin() as conn:
        drop_sequences(conn)
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            return
        if db.engine.dialect.name == "mysql":
            conn.execute(text("SET FOREIGN_KEY_CHECKS=0"))
        for table in tables:
            conn.execute(table.delete())
        if db.engine.dialect.name == "mysql":
            conn.execute(text("SET FOREIGN_KEY_CHECKS=1"))


@pytest.fixture
def clean_db(database):
    database.session.remove()
    empty_tables(database)
    with database.transaction() as session:
        seed_reference_data(session)
    yield database
    database.session.remove()


@pytest.fixture
def addon_manager() -> AddonManager:
    """A manager with no add-ons discovered: tests register what they need."""
    return AddonManager(strict=False)


@pytest.fixture
def host(clean_db, addon_manager, instance_dir, database_url) -> Host:
    config = HostConfig(instance_path=instance_dir, database_url=database_url, session_secret="test-secret")
    return Host.build(config, addons=addon_manager, db=clean_db)


@pytest.fixture
def install_addon(host):
    """Register a test add-on object and sync it, as an install would."""

    def install(plugin, version: str = "1.0.0"):
        host.addons.register(plugin, version=version)
        report = host.registry.sync("test")
        assert not report.failed, report.failed
        return host.addons.loaded[plugin.MANIFEST.id]

    return install


@pytest.fixture
def set_portal_methods(host):
    """``set_portal_methods(["refill_card", ...], partner_id=0)``: the payment methods the portal shows, chosen
    as Config → Main → Portal does (the Default partner, or one partner's own values)."""
    from hostapp.services.portal_settings import SETTINGS_ID
    from hostapp.services.settings_store import SettingsStore

    def set_(methods: list[str], partner_id: int = 0):
        schema = host.portal.schema()
        with host.db.transaction() as session:
            store = SettingsStore(session, host.box)
            result = store.validate(SETTINGS_ID, schema, {"payment_methods": methods}, partner_id,
                                    {"payment_methods"})
            assert result.ok, result.errors
            store.save(SETTINGS_ID, schema, result.values, actor="test", partner_id=partner_id)

    return set_


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepted (:mod:`splynx_testing.smtp`)."""
    require_module("aiosmtpd")
    from splynx_testing.smtp import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def factory(host) -> Factory:
    return Factory(host.db)


def make_test_app(host):
    """The host's app for the Flask test client (CSRF is tested in the browser tests)."""
    application = create_app(host, testing=True)
    application.config["WTF_CSRF_ENABLED"] = False
    return application


@pytest.fixture
def app(host):
    return make_test_app(host)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def admin_client(app, factory):
    factory.admin(login="root", password="root-password")
    c = app.test_client()
    assert c.post("/admin/login", data={"login": "root", "password": "root-password"}).status_code == 302
    return c


def portal_login(app, customer, password: str = "customer-password"):
    c = app.test_client()
    response = c.post("/portal/login", data={"login": customer.login, "password": password})
    assert response.status_code == 302, response.data
    return c


@pytest.fixture
def portal_client(app):
    """``portal_client(customer)``: a test client logged in to the customer portal."""
    return lambda customer, password="customer-password": portal_login(app, customer, password)


@pytest.fixture
def demo_data(host):
    """The data set ``splynx demo`` seeds: an administrator, two partners, thirty customers with invoices.

    Logins are those :mod:`hostapp.demo` prints (``admin`` / ``admin-demo``; ``demo01`` ...
    ``demo30`` / ``portal-demo``).
    """
    from hostapp.demo import seed_demo

    with host.db.transaction() as session:
        seed_demo(session)
    return host
