"""The running host: configuration, database, add-on manager and services, built once per app.

:class:`Host` implements :class:`core.host.Host`, the interface every hook receives as
``host``; the add-on manager is bound to it when it is built.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from core.gateway.intents import IntentKeys
from core.gateway.links import DirectLinks
from core.manager import AddonManager
from core.secrets import SecretBox, instance_key

from .config import HostConfig
from .db import Database
from .services.addon_set import check_package_backend, package_backend
from .services.audit import record
from .services.config_cache import ConfigCache
from .services.jobs import JobRunner
from .services.migrations import Migrator
from .services.numbering import next_in_sequence
from .services.payment_accounts import SavedAccounts
from .services.registry import Registry
from .services.portal_settings import PortalConfig
from .services.settings_store import HostSettings

if TYPE_CHECKING:
    from core.packages import PackageBackend

    from .services.payments import PaymentService
    from .services.reconciler import Reconciler


@dataclass
class Host:
    """Everything a request, a job, a CLI command or a hook needs from the host."""

    config: HostConfig
    db: Database
    addons: AddonManager
    box: SecretBox
    registry: Registry
    jobs: JobRunner
    settings: HostSettings = field(init=False)
    #: Config → Main → Portal (:class:`core.portal.PortalSettings`)
    portal: PortalConfig = field(init=False)
    #: what pages compute from entry points, modules and settings, kept while those stay the same
    config_cache: ConfigCache = field(init=False, default_factory=ConfigCache)

    def __post_init__(self) -> None:
        self.settings = HostSettings(self.box)
        self.portal = PortalConfig(self.box, lambda: self.addons, self.config_cache)

    @classmethod
    def build(cls, config: HostConfig | None = None, addons: AddonManager | None = None,
              db: Database | None = None) -> "Host":
        """Assemble the host; discovers installed add-ons unless a manager is given."""
        config = config or HostConfig()
        config.instance_path.mkdir(parents=True, exist_ok=True)
        check_package_backend(config)
        if addons is None:
            addons = AddonManager()
            addons.discover()
        db = db or Database(config.sqlalchemy_url)
        box = SecretBox.from_environment(config.instance_path)
        # migrations take SQLite's write lock up front: a deferred transaction that reads the
        # version table and then writes fails at once ("database is locked") beside any writer
        registry = Registry(db, addons, box, Migrator(db.write_engine, config.instance_path))
        host = cls(config, db, addons, box, registry, JobRunner(db))
        addons.bind(host)
        host.jobs.context["host"] = host  # job handlers reach the host through their runner
        return host

    @cached_property
    def packages(self) -> PackageBackend:
        """Where add-on packages are installed from (wheelhouse or apt), built when first needed."""
        return package_backend(self.config)

    @cached_property
    def payments(self) -> PaymentService:
        """Payments through the gateway add-ons; its module, with the ledger and refunds, is imported here."""
        from .services.payments import PaymentService

        return PaymentService(self.db, self.addons.hooks)

    @cached_property
    def direct_links(self) -> DirectLinks:
        """The signer of direct payment links (key in the instance folder or the environment)."""
        return DirectLinks.for_instance(self.config.instance_path)

    @cached_property
    def intents(self) -> IntentKeys:
        """The signer of one-time form intent keys (key in the instance folder or the environment)."""
        return IntentKeys.for_instance(self.config.instance_path)

    @cached_property
    def reconciler(self) -> Reconciler:
        """Settles payment attempts left unknown or pending past their lease (its module imported here)."""
        from .services.reconciler import Reconciler

        return Reconciler(self.payments, self.config.attempt_lease_seconds)

    def saved_accounts(self, gateway: str) -> SavedAccounts:
        """The saved-credential store of one gateway add-on."""
        return SavedAccounts(self.db, gateway)

    def audit(self, session: Session, actor: str, action: str, target: str = "", details: dict | None = None,
              *, secret_keys: frozenset[str] = frozenset(), partner_id: int | None = None) -> None:
        """Add an audit-log entry in ``session`` about ``partner_id``'s customers (``None``: no partner's)."""
        record(session, actor, action, target, details, secret_keys=secret_keys, partner_id=partner_id)

    def next_number(self, session: Session, prefix: str) -> int:
        """The next value of the counter named ``prefix``."""
        return next_in_sequence(session, prefix)

    def session_secret(self) -> str:
        """Flask's signing key: the configured one, else one kept in the instance folder."""
        if self.config.session_secret:
            return self.config.session_secret
        return instance_key(self.config.instance_path / "session.key", lambda: secrets.token_hex(32).encode()).decode()
