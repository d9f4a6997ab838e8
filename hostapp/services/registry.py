"""Sync: make the database agree with the add-ons that are installed.

Run after an install or upgrade (web UI job, ``splynx addons sync``, a Debian postinst) and
at start-up. For every loaded add-on it registers the module, seeds default settings,
merges default entry points (admin edits survive), creates payment methods and
payment-account types and upgrades the add-on's Alembic branch. Modules whose package is
gone are marked *removed*: their data and settings stay until a purge.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.identity import AddonIdentity
from core.manager import AddonManager
from core.manifest import ModuleSpec
from core.secrets import SecretBox

from ..db import Database
from ..models import Module, PaymentAccount, PaymentAccountType, PaymentAttempt, PaymentMethod
from . import entry_points
from .addon_set import bump_generation
from .audit import record
from .migrations import Migrator
from .settings_store import SettingsStore

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    """What a sync changed, for the job log and the CLI."""

    installed: list[str] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.installed or self.upgraded or self.removed)


def _package_dir(plugin) -> str:
    """Where the add-on's code lives (shown as "Path to module")."""
    try:
        return str(Path(inspect.getfile(plugin)).resolve().parent)
    except TypeError:
        return ""


class Registry:
    """Module rows, settings and entry points in step with the add-on manager."""

    def __init__(self, db: Database, manager: AddonManager, box: SecretBox, migrator: Migrator) -> None:
        self.db = db
        self.manager = manager
        self.box = box
        self.migrator = migrator
        #: called with the add-on id after a sync installed it (``splynx demo`` adds its demo data)
        self.after_install: list[Callable[[str], object]] = []

    def sync(self, actor: str = "system") -> SyncReport:
        report = SyncReport()
        for addon_id in sorted(self.manager.loaded):
            try:
                self._sync_one(addon_id, report, actor)
            except Exception as exc:  # noqa: BLE001 - one add-on's failure must not stop the others
                log.exception("sync of add-on %s failed", addon_id)
                report.failed[addon_id] = f"{type(exc).__name__}: {exc}"
                self._mark(addon_id, "broken", report.failed[addon_id])
        for addon_id, broken in self.manager.broken.items():
            self._mark(addon_id, "broken", broken.error)
        with self.db.transaction() as session:
            present = set(self.manager.loaded) | set(self.manager.broken)
            for module in session.execute(select(Module).where(Module.status != "removed")).scalars():
                if module.addon_id not in present:
                    module.status = "removed"
                    report.removed.append(module.addon_id)
                    record(session, actor, "addon.removed", module.addon_id)
            if report.changed:
                bump_generation(session)  # every web process rebuilds its app for the new set
        for addon_id in report.installed:
            for listener in self.after_install:
                try:
                    listener(addon_id)
                except Exception:  # noqa: BLE001 - the install is done; a listener cannot undo it
                    log.exception("after-install step for add-on %s failed", addon_id)
        return report

    def _sync_one(self, addon_id: str, report: SyncReport, actor: str) -> None:
        loaded = self.manager.get(addon_id)
        spec = self.manager.hooks.module_spec(addon_id)
        if spec is None:
            raise RuntimeError(self.manager.ui_errors.get(addon_id) or "splynx_configure_module returned nothing")
        defaults = self.manager.hooks.entry_points(addon_id)
        if defaults is None:
            raise RuntimeError(self.manager.ui_errors.get(addon_id, "splynx_register_entry_points failed"))
        # schema first: a failing migration leaves no half-registered module behind
        self.migrator.upgrade_addon(addon_id)
        identity = AddonIdentity(addon_id)
        with self.db.transaction() as session:
            module = session.execute(select(Module).where(Module.addon_id == addon_id)).scalar_one_or_none()
            previous = None if module is None or module.status == "removed" else module.version
            event = "installed" if previous is None else ("upgraded" if previous != loaded.version else None)
            if module is None:
                module = Module(addon_id=addon_id, name=identity.module_name, title=spec.title[:64])
                session.add(module)
            if module.status in ("removed", "broken"):
                module.status = "enabled"
            module.title, module.version, module.root = spec.title[:64], loaded.version, spec.root
            module.path = _package_dir(loaded.plugin)
            module.last_error = ""
            SettingsStore(session, self.box).seed_defaults(addon_id, spec.settings)
            entry_points.merge_defaults(session, addon_id, identity.module_name, defaults)
            self._ensure_finance_records(session, addon_id, spec)
            if event:
                record(session, actor, f"addon.{event}", addon_id, {"version": loaded.version, "from": previous})
        if event:
            getattr(report, event).append(addon_id)
            self.manager.hooks.lifecycle(addon_id, event, previous, loaded.version)

    @staticmethod
    def _ensure_finance_records(session: Session, addon_id: str, spec: ModuleSpec) -> None:
        for name in spec.payment_methods:
            if session.execute(select(PaymentMethod).where(PaymentMethod.name == name)).scalar_one_or_none() is None:
                session.add(PaymentMethod(name=name, addon_id=addon_id))
        for account_type in spec.payment_account_types:
            row = session.execute(select(PaymentAccountType).where(
                PaymentAccountType.addon_id == addon_id, PaymentAccountType.key == account_type.key)
            ).scalar_one_or_none()
            if row is None:
                row = PaymentAccountType(addon_id=addon_id, key=account_type.key)
                session.add(row)
            row.title, row.field_labels = account_type.title, list(account_type.fields)

    def _mark(self, addon_id: str, status: str, error: str) -> None:
        with self.db.transaction() as session:
            module = session.execute(select(Module).where(Module.addon_id == addon_id)).scalar_one_or_none()
            if module is not None:
                module.status, module.last_error = status, error

    def set_enabled(self, addon_id: str, enabled: bool, actor: str) -> None:
        with self.db.transaction() as session:
            module = session.execute(select(Module).where(Module.addon_id == addon_id)).scalar_one()
            if module.status in ("removed", "broken"):
                raise ValueError(f"module {module.name} is {module.status}; it cannot be enabled or disabled")
            module.status = "enabled" if enabled else "disabled"
            record(session, actor, "addon.enabled" if enabled else "addon.disabled", addon_id)
        if addon_id in self.manager.loaded:
            self.manager.hooks.lifecycle(addon_id, "enabled" if enabled else "disabled", None, None)

    def purge(self, addon_id: str, actor: str) -> None:
        """Drop the add-on's tables (branch to base), settings, entry points and module row."""
        self.migrator.downgrade_addon(addon_id)
        with self.db.transaction() as session:
            module = session.execute(select(Module).where(Module.addon_id == addon_id)).scalar_one_or_none()
            SettingsStore(session, self.box).purge(addon_id)
            entry_points.delete_for_module(session, AddonIdentity(addon_id).module_name)
            account_ids = select(PaymentAccount.id).where(PaymentAccount.gateway == addon_id)
            session.execute(update(PaymentAttempt).where(PaymentAttempt.account_id.in_(account_ids))
                            .values(account_id=None))
            session.execute(delete(PaymentAccount).where(PaymentAccount.gateway == addon_id))
            session.execute(delete(PaymentAccountType).where(PaymentAccountType.addon_id == addon_id))
            if module is not None:
                session.delete(module)
            record(session, actor, "addon.purged", addon_id)
