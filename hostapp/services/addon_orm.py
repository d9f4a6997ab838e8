"""Forgetting an add-on's ORM declarations so its code can be imported again in this process.

When an add-on is upgraded, re-installed or removed while the web process runs, its modules
are dropped from ``sys.modules`` and imported afresh. Its old model classes must go with
them: their tables from the shared metadata, their mappers and their entries in the
declarative class registry, or the new classes would be declared beside stale ones (SQLAlchemy
warns, string look-ups such as ``relationship("Card")`` turn ambiguous, and the old classes
stay alive). SQLAlchemy's public API disposes a whole registry only
(:meth:`sqlalchemy.orm.registry.dispose`); :func:`dispose_class` does the same for one class,
through the registry's own per-class steps.
"""

from __future__ import annotations

from core.identity import AddonIdentity
from core.manager import AddonManager
from core.models import Base


def _owned_tables(addon_id: str, manager: AddonManager) -> list:
    """The metadata tables of ``addon_id``: its prefix, unless a loaded add-on with a longer id owns them."""
    prefix = AddonIdentity(addon_id).table_prefix
    longer = [AddonIdentity(other).table_prefix for other in manager.loaded
              if other != addon_id and AddonIdentity(other).table_prefix.startswith(prefix)]
    return [table for table in Base.metadata.tables.values()
            if table.name.startswith(prefix) and not any(table.name.startswith(p) for p in longer)]


def _packages(addon_id: str, manager: AddonManager) -> set[str]:
    """The top-level import packages the add-on's code lives in."""
    packages = {AddonIdentity(addon_id).import_package}
    loaded = manager.loaded.get(addon_id)
    if loaded is not None:
        packages.add(getattr(loaded.plugin, "__name__", "").split(".")[0])
    return packages


def dispose_classes(packages: set[str]) -> int:
    """Unmap every class declared in ``packages`` (mapper, instrumentation, class-registry name).

    Mirrors :meth:`sqlalchemy.orm.registry.dispose` for the classes of some packages only;
    classes whose mapping failed half-way are released too. Returns how many were disposed.
    """
    registry = Base.registry
    doomed = [m for m in list(registry._managers) if m.class_.__module__.split(".")[0] in packages]  # noqa: SLF001
    for class_manager in doomed:
        registry._managers.pop(class_manager, None)  # noqa: SLF001 - registry.dispose()'s steps, one class
        registry._dispose_manager_and_mapper(class_manager)  # noqa: SLF001
    return len(doomed)


def forget_addon_orm(addon_id: str, manager: AddonManager) -> list[str]:
    """Drop an add-on's mapped classes and tables from the ORM; returns the table names forgotten."""
    dispose_classes(_packages(addon_id, manager))
    tables = _owned_tables(addon_id, manager)
    for table in tables:
        Base.metadata.remove(table)
    return sorted(table.name for table in tables)
