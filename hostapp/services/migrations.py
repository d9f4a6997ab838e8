"""Alembic driven from code: the host branch plus one branch per installed add-on.

An add-on keeps its revisions in ``<import package>/migrations`` with ``branch_labels =
("<id>",)`` on its first revision and ``depends_on = "host@head"``-style dependencies; its
tables start with ``<id>_``.

Alembic is imported only when a migration runs (``splynx db upgrade``, an add-on install),
not when the application starts: it is a third of the start-up time otherwise.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from core.identity import AddonIdentity

if TYPE_CHECKING:
    from alembic.config import Config

HOST_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def addon_migrations_dir(addon_id: str) -> Path | None:
    """``<package>/migrations`` of an installed add-on, or ``None`` if it has none."""
    spec = importlib.util.find_spec(AddonIdentity(addon_id).import_package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "migrations"
    return path if path.is_dir() else None


def alembic_config(engine: Engine, addon_dirs: list[Path] | None = None) -> Config:
    from alembic.config import Config

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
    """Upgrade and downgrade the host and add-on branches on one engine.

    Each add-on's revisions are copied into ``<instance>/addon-migrations/<id>`` when it is
    synced, and Alembic reads them from there. So a removed add-on's revisions stay
    locatable: the database keeps working, and a later purge can still downgrade the
    branch even though the package's files are gone.
    """

    def __init__(self, engine: Engine, instance_path: Path) -> None:
        self.engine = engine
        self.stash_root = Path(instance_path) / "addon-migrations"

    def stash(self, addon_id: str) -> bool:
        """Copy the installed add-on's migrations into the stash; ``False`` if it has none."""
        source = addon_migrations_dir(addon_id)
        target = self.stash_root / addon_id
        if source is None:
            return False
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        return True

    def _dirs(self) -> list[Path]:
        if not self.stash_root.is_dir():
            return []
        return sorted(p for p in self.stash_root.iterdir() if p.is_dir())

    def _run(self, name: str, *args) -> None:
        """Run the Alembic command ``name`` (upgrade, downgrade) on this engine in one transaction."""
        from alembic import command

        cfg = alembic_config(self.engine, self._dirs())
        with self.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            getattr(command, name)(cfg, *args)

    def upgrade_host(self) -> None:
        self._run("upgrade", "host@head")

    def upgrade_all(self) -> None:
        self._run("upgrade", "heads")

    def upgrade_addon(self, addon_id: str) -> None:
        if self.stash(addon_id):
            self._run("upgrade", f"{addon_id}@head")

    def downgrade_addon(self, addon_id: str) -> None:
        """Drop the add-on's tables (its branch back to base) and forget its revisions."""
        target = self.stash_root / addon_id
        if not target.is_dir():
            return
        if self._branch_applied(addon_id):
            self._run("downgrade", f"{addon_id}@base")
        shutil.rmtree(target)

    def _branch_applied(self, label: str) -> bool:
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(alembic_config(self.engine, self._dirs()))
        for head in self.current_heads():
            for revision in script.iterate_revisions(head, "base"):
                if label in (revision.branch_labels or ()):
                    return True
        return False

    def current_heads(self) -> tuple[str, ...]:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_heads()
