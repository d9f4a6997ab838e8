"""Alembic driven from code: the host branch plus one branch per installed add-on.

An add-on keeps its revisions in ``<import package>/migrations`` with ``branch_labels =
("<id>",)`` on its first revision and ``depends_on = "host@head"``-style dependencies; its
tables start with ``<id>_``.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from core.identity import AddonIdentity

HOST_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def addon_migrations_dir(addon_id: str) -> Path | None:
    """``<package>/migrations`` of an installed add-on, or ``None`` if it has none."""
    spec = importlib.util.find_spec(AddonIdentity(addon_id).import_package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "migrations"
    return path if path.is_dir() else None


def alembic_config(engine: Engine, addon_dirs: list[Path] | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HOST_MIGRATIONS))
    locations = [HOST_MIGRATIONS / "versions", *(addon_dirs or [])]
    # trixie's Alembic 1.13 reads version_path_separator; newer releases read path_separator
    cfg.set_main_option("version_path_separator", "os")
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


class Migrator:
    """Upgrade and downgrade the host and add-on branches on one engine."""

    def __init__(self, engine: Engine, addon_ids: list[str] | tuple[str, ...] = ()) -> None:
        self.engine = engine
        self.addon_dirs = {a: d for a in addon_ids if (d := addon_migrations_dir(a)) is not None}

    def _run(self, fn, *args) -> None:
        cfg = alembic_config(self.engine, list(self.addon_dirs.values()))
        with self.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            fn(cfg, *args)

    def upgrade_host(self) -> None:
        self._run(command.upgrade, "host@head")

    def upgrade_all(self) -> None:
        self._run(command.upgrade, "heads")

    def upgrade_addon(self, addon_id: str) -> None:
        if addon_id in self.addon_dirs:
            self._run(command.upgrade, f"{addon_id}@head")

    def downgrade_addon(self, addon_id: str) -> None:
        """Drop the add-on's tables: its branch goes back to base (purge)."""
        if addon_id in self.addon_dirs and self._branch_applied(addon_id):
            self._run(command.downgrade, f"{addon_id}@base")

    def _branch_applied(self, label: str) -> bool:
        cfg = alembic_config(self.engine, list(self.addon_dirs.values()))
        script = ScriptDirectory.from_config(cfg)
        with self.engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
        return any(label in (script.get_revision(h).branch_labels or ()) or
                   any(label in (r.branch_labels or ()) for r in script.iterate_revisions(h, "base"))
                   for h in heads)

    def current_heads(self) -> tuple[str, ...]:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_heads()
