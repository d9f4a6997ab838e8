"""The Add-ons catalog: what the package source offers, merged with what is installed.

One row per add-on package: the newest version offered, the installed version, the
module's status in the registry, a load error if the add-on is broken, and the actions
that make sense for it (install, update, re-install, remove, purge).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from packaging.version import InvalidVersion, Version
from sqlalchemy import select

from core.identity import AddonIdentity, IdentityError
from core.packages import PackageError

from ..models import Module


@dataclass
class CatalogRow:
    """One add-on package as the Add-ons page lists it."""

    package: str
    addon_id: str
    description: str = ""
    available: str | None = None
    installed: str | None = None
    installed_size: int = 0
    requires_host: str = ""
    module_status: str | None = None
    #: why the add-on cannot be loaded or synced
    error: str = ""
    #: the last fail-soft error of one of its UI hooks (the add-on still works)
    warning: str = ""

    @property
    def update_available(self) -> bool:
        if not (self.available and self.installed):
            return False
        try:
            return Version(self.available) > Version(self.installed)
        except InvalidVersion:
            return self.available != self.installed

    @property
    def state(self) -> str:
        if self.installed and self.error:
            return "broken"
        if self.installed:
            return "update available" if self.update_available else "installed"
        if self.module_status is not None:
            return "removed, data kept"
        return "not installed"

    @property
    def actions(self) -> list[str]:
        if not self.installed:
            return (["install"] if self.available else []) + (["purge"] if self.module_status else [])
        actions = ["upgrade"] if self.update_available else []
        if self.available:
            actions.append("reinstall")
        return actions + ["remove", "purge"]

    def matches(self, query: str) -> bool:
        query = query.lower()
        return query in self.package.lower() or query in self.description.lower()


@dataclass
class Catalog:
    rows: list[CatalogRow] = field(default_factory=list)
    #: why the package source could not be read (the installed add-ons are still listed)
    source_error: str = ""


def _identity(package: str) -> AddonIdentity | None:
    try:
        return AddonIdentity.from_dist_name(package)
    except IdentityError:
        return None


def build_catalog(host) -> Catalog:
    """Rows for every add-on offered, installed, loaded, broken or remembered by the registry."""
    catalog = Catalog()
    try:
        offered = {p.name: p for p in host.packages.available()}
    except PackageError as exc:
        offered, catalog.source_error = {}, str(exc)
    installed = {p.name: p for p in host.packages.installed()}
    with host.db.transaction() as session:
        modules = {m.addon_id: (m.status, m.last_error, m.title) for m in session.execute(select(Module)).scalars()}
    rows: dict[str, CatalogRow] = {}

    def row(package: str) -> CatalogRow | None:
        identity = _identity(package)
        if identity is None:
            return None
        return rows.setdefault(package, CatalogRow(package, identity.id))

    for name, info in offered.items():
        if (r := row(name)) is not None:
            r.available, r.description = info.version, info.description
            r.installed_size, r.requires_host = info.installed_size, info.requires_host
    for name, info in installed.items():
        if (r := row(name)) is not None:
            r.installed, r.installed_size = info.version, info.installed_size or r.installed_size
    for addon_id, loaded in host.addons.loaded.items():
        r = row(AddonIdentity(addon_id).dist_name)
        r.installed = r.installed or loaded.version
        r.description = r.description or loaded.manifest.description or loaded.manifest.title
    for addon_id, broken in host.addons.broken.items():
        if (r := row(broken.dist_name or AddonIdentity(addon_id).dist_name)) is not None:
            r.installed = r.installed or broken.version
            r.error = broken.error
    for addon_id, (status, last_error, title) in modules.items():
        r = row(AddonIdentity(addon_id).dist_name)
        r.module_status, r.description = status, r.description or title
        if status == "broken" and r.installed:
            r.error = r.error or last_error
    for addon_id, error in host.addons.ui_errors.items():
        if (r := rows.get(AddonIdentity(addon_id).dist_name)) is not None:
            r.warning = error
    catalog.rows = sorted(rows.values(), key=lambda r: r.package)
    return catalog
