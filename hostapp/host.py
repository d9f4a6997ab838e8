"""The running host: configuration, database, add-on manager and services, built once per app."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app

from core.manager import AddonManager
from core.packages import PackageBackend
from core.secrets import SecretBox, instance_key

from .config import HostConfig
from .db import Database
from .services.addon_set import package_backend
from .services.payments import PaymentService
from .services.jobs import JobRunner
from .services.migrations import Migrator
from .services.registry import Registry


@dataclass
class Host:
    """Everything a request, a job or a CLI command needs from the host."""

    config: HostConfig
    db: Database
    addons: AddonManager
    box: SecretBox
    payments: PaymentService
    registry: Registry
    jobs: JobRunner
    #: where add-on packages are installed from (wheelhouse or apt)
    packages: PackageBackend

    @classmethod
    def build(cls, config: HostConfig | None = None, addons: AddonManager | None = None,
              db: Database | None = None) -> "Host":
        """Assemble the host; discovers installed add-ons unless a manager is given."""
        config = config or HostConfig()
        config.instance_path.mkdir(parents=True, exist_ok=True)
        if addons is None:
            addons = AddonManager()
            addons.discover()
        db = db or Database(config.sqlalchemy_url)
        box = SecretBox.from_environment(config.instance_path)
        # migrations take SQLite's write lock up front: a deferred transaction that reads the
        # version table and then writes fails at once ("database is locked") beside any writer
        registry = Registry(db, addons, box, Migrator(db.write_engine, config.instance_path))
        host = cls(config, db, addons, box, PaymentService(db, addons.hooks), registry, JobRunner(db),
                   package_backend(config))
        host.jobs.context["host"] = host  # job handlers reach the host through their runner
        return host

    def session_secret(self) -> str:
        """Flask's signing key: the configured one, else one kept in the instance folder."""
        if self.config.session_secret:
            return self.config.session_secret
        return instance_key(self.config.instance_path / "session.key", lambda: secrets.token_hex(32).encode()).decode()


def current_host() -> Host:
    """The host of the app handling the current request or CLI command."""
    return current_app.extensions["splynx"]
