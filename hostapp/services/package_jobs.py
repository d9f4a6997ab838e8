"""Add-on package operations (install, update, re-install, remove, purge) as persisted jobs.

Every operation is a job in the serial lane ``packages`` (and holds a machine-wide lock,
so a CLI run and a web worker never overlap either); its log and progress are stored as
they come, so the Add-ons page reconnects after a reload or a restart. A job runs the
package backend, reloads the add-on set in this process, syncs the registry (module,
default settings and entry points, payment methods, Alembic branch) and the sync moves
the add-on-set generation on, so every web process serves the new set without a restart.

Guards: the plan is checked again when the job starts (an add-on that needs a newer host
is refused). A *new* install whose code cannot be imported or whose migration fails is
taken away again: its package is uninstalled, its partly created tables dropped and its
migration stash removed, so no module row, settings or entry points remain and the host
is where it was. A failed *update* or *re-install* keeps the package (its previous
version may no longer be offered), marks the module broken with the error and restores
the previous migration stash, so the host still starts and the operator decides.
"""

from __future__ import annotations

import fcntl
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect, select, text

from core.identity import AddonIdentity
from core.packages import Plan, package_problem
from core.packages.base import INSTALLING, check_action

from ..models import Module
from .addon_set import bump_generation, reload_addons
from .audit import record
from .jobs import JobError, failure_message

LANE = "packages"
KIND = "package"
HANDLER = "hostapp.services.package_jobs:run_package_job"
REFRESH_HANDLER = "hostapp.services.package_jobs:run_refresh_job"
VERBS = {"install": "Install", "upgrade": "Update", "reinstall": "Re-install", "remove": "Remove", "purge": "Purge"}


class LifecycleError(JobError):
    """A package operation was refused or failed; the message is for the operator."""


def addon_tables(host, addon_id: str) -> list[str]:
    prefix = AddonIdentity(addon_id).table_prefix
    return sorted(name for name in inspect(host.db.engine).get_table_names() if name.startswith(prefix))


def plan(host, action: str, package: str) -> Plan:
    """The backend's dry run plus what the host adds (data kept or dropped, nothing to purge)."""
    check_action(action)
    if problem := package_problem(package):
        return Plan(action, package, problems=[problem])
    if action == "purge" and host.packages.installed_version(package) is None:
        result = Plan(action, package)  # nothing to uninstall: the purge deletes what the add-on left
    else:
        result = host.packages.plan(action, package)
    if result.problems or action not in ("remove", "purge"):
        return result
    addon_id = AddonIdentity.from_dist_name(package).id
    with host.db.transaction() as session:
        module = session.execute(select(Module).where(Module.addon_id == addon_id)).scalar_one_or_none()
    tables = addon_tables(host, addon_id)
    if action == "remove":
        result.notes.append("Its module leaves the menus at once. Its tables"
                            f"{' (' + ', '.join(tables) + ')' if tables else ''}, settings and entry points are kept"
                            " until a purge; installing it again brings them back.")
    elif not result.changes and module is None and not tables:
        result.problems.append(f"{package} is not installed and has no data to purge")
    else:
        result.notes.append("Purge drops " + (f"the tables {', '.join(tables)}" if tables else "no tables")
                            + " and deletes its settings, entry points and saved payment accounts.")
    return result


def submit(host, action: str, package: str, actor: str) -> int:
    """Queue an operation in the packages lane; returns the job id."""
    check_action(action)
    problem = package_problem(package)
    if problem:
        raise LifecycleError(problem)
    return host.jobs.submit(HANDLER, f"{VERBS[action]} {package}",
                            {"action": action, "package": package, "actor": actor},
                            created_by=actor, lane=LANE, kind=KIND)


def submit_refresh(host, actor: str) -> int:
    return host.jobs.submit(REFRESH_HANDLER, host.packages.refresh_label, {"actor": actor},
                            created_by=actor, lane=LANE, kind=KIND)


@contextmanager
def machine_lock(host, ctx):
    """One package operation per machine, whichever process runs it."""
    path = Path(host.config.instance_path) / "package-operations.lock"
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            ctx.log("Waiting for another package operation to finish …")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_refresh_job(ctx) -> dict:
    host = ctx.runner.context["host"]
    with machine_lock(host, ctx):
        host.packages.refresh(ctx)
    available = len(host.packages.available())
    with host.db.transaction() as session:
        record(session, ctx.params["actor"], "package.refresh", host.packages.kind, {"available": available})
    return {"available": available}


def run_package_job(ctx) -> dict:
    host = ctx.runner.context["host"]
    operation = PackageOperation(host, ctx, ctx.params["action"], ctx.params["package"], ctx.params["actor"])
    with machine_lock(host, ctx):
        try:
            result = operation.run()
        except Exception as exc:
            operation.audit("failed", error=failure_message(exc))
            raise
    operation.audit("succeeded", version=result.get("version") or "")
    return result


class _Scaled:
    """A reporter that maps a step's 0–100 % onto part of the job's progress bar."""

    def __init__(self, ctx, start: float, end: float) -> None:
        self.ctx, self.start, self.end = ctx, start, end

    def log(self, line: str) -> None:
        self.ctx.log(line)

    def progress(self, percent: float) -> None:
        self.ctx.progress(self.start + (self.end - self.start) * max(0.0, min(100.0, percent)) / 100)


class StashBackup:
    """A copy of an add-on's migration stash, to put back if an update fails."""

    def __init__(self, migrator, addon_id: str) -> None:
        self.path = migrator.stash_root / addon_id
        self._copy = None
        if self.path.is_dir():
            self._copy = Path(tempfile.mkdtemp(prefix="stash-")) / addon_id
            shutil.copytree(self.path, self._copy)

    def restore(self) -> None:
        if self.path.exists():
            shutil.rmtree(self.path)
        if self._copy is not None:
            shutil.copytree(self._copy, self.path)

    def discard(self) -> None:
        if self._copy is not None:
            shutil.rmtree(self._copy.parent, ignore_errors=True)


class PackageOperation:
    """One run of one action on one add-on package (see the module docstring)."""

    def __init__(self, host, ctx, action: str, package: str, actor: str) -> None:
        check_action(action)
        self.host, self.ctx, self.action, self.package, self.actor = host, ctx, action, package, actor
        self.addon_id = AddonIdentity.from_dist_name(package).id
        self.backend = host.packages

    def audit(self, status: str, **details) -> None:
        with self.host.db.transaction() as session:
            record(session, self.actor, f"package.{self.action}", self.package,
                   {"status": status, "job": self.ctx.job_id, **details})

    def _module_status(self) -> str | None:
        with self.host.db.transaction() as session:
            return session.execute(select(Module.status).where(Module.addon_id == self.addon_id)).scalar_one_or_none()

    def run(self) -> dict:
        ctx = self.ctx
        ctx.log(f"{VERBS[self.action]} {self.package} ({self.backend.kind})")
        ctx.progress(1)
        checked = plan(self.host, self.action, self.package)
        if not checked.ok:
            raise LifecycleError("; ".join(checked.problems))
        for change in checked.changes:
            ctx.log(f"  {change.change} {change.name} {change.from_version + ' → ' if change.from_version else ''}"
                    f"{change.version}")
        before = {"version": self.backend.installed_version(self.package), "status": self._module_status(),
                  "tables": set(inspect(self.host.db.engine).get_table_names())}
        stash = StashBackup(self.host.registry.migrator, self.addon_id)
        try:
            if self.action in INSTALLING or before["version"] is not None:
                self.backend.run(self.action, self.package, _Scaled(ctx, 2, 75))
            ctx.progress(75)
            self._reload()
            if self.action in INSTALLING:
                self._check_loaded(before, stash)
            ctx.progress(85)
            ctx.log("Registering the add-on set …")
            report = self.host.registry.sync(self.actor)
            for addon_id, error in report.failed.items():
                ctx.log(f"ERROR: {addon_id}: {error}")
            if self.addon_id in report.failed:
                self._undo(before, stash)
                raise LifecycleError(f"{self.package}: {report.failed[self.addon_id]}")
        finally:
            stash.discard()
        if self.action == "purge":
            tables = addon_tables(self.host, self.addon_id)
            self.host.registry.purge(self.addon_id, self.actor)
            ctx.log(f"Purged: dropped {', '.join(tables) or 'no tables'}; settings and entry points deleted.")
        version = self.backend.installed_version(self.package)
        ctx.log(f"Done: {self.package} {version or 'is not installed'}.")
        ctx.progress(100)
        return {"package": self.package, "addon_id": self.addon_id, "action": self.action, "version": version}

    def _reload(self) -> None:
        changes = reload_addons(self.host.addons)
        described = ", ".join(f"{kind} {', '.join(ids)}" for kind, ids in changes.items() if ids)
        self.ctx.log(f"Add-on set reloaded: {described or 'no change'}.")

    def _check_loaded(self, before: dict, stash: StashBackup) -> None:
        broken = self.host.addons.broken.get(self.addon_id)
        if broken is None and self.addon_id in self.host.addons.loaded:
            return
        reason = broken.error if broken else f"it declares no add-on entry point named {self.addon_id!r}"
        self.ctx.log(f"{self.package} cannot be loaded: {reason}")
        self._undo(before, stash)
        raise LifecycleError(f"{self.package} cannot be loaded: {reason}")

    def _undo(self, before: dict, stash: StashBackup) -> None:
        """Take a failed new install away again, or keep a failed update marked broken."""
        if before["version"] is not None:
            if self.addon_id in self.host.addons.broken:
                self.host.registry.sync(self.actor)  # marks the module broken (a failed migration already did)
            stash.restore()
            with self.host.db.transaction() as session:
                bump_generation(session)  # every process loads the same (broken) code
            self.ctx.log("The previous version's migrations are restored; the module stays broken until it is "
                         "re-installed, updated or removed.")
            return
        self.ctx.log(f"Rolling back: {self.package} is uninstalled again.")
        self.host.registry.migrator.downgrade_addon(self.addon_id)
        self._drop_new_tables(before["tables"])
        self.backend.run("remove", self.package, self.ctx)
        self._reload()
        with self.host.db.transaction() as session:
            module = session.execute(select(Module).where(Module.addon_id == self.addon_id)).scalar_one_or_none()
            if module is not None and before["status"] is None:
                session.delete(module)
            elif module is not None:
                module.status = before["status"]

    def _drop_new_tables(self, before: set[str]) -> None:
        """Tables a failed migration created without a transaction (MariaDB DDL commits at once)."""
        prefix = AddonIdentity(self.addon_id).table_prefix
        engine = self.host.db.write_engine
        new = sorted(n for n in set(inspect(engine).get_table_names()) - before if n.startswith(prefix))
        with engine.begin() as connection:
            for name in new:
                connection.execute(text(f"DROP TABLE {engine.dialect.identifier_preparer.quote(name)}"))
                self.ctx.log(f"Dropped the partly created table {name}.")
