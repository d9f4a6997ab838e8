"""A small add-on written by the install test itself (id ``debtest``), never shipped.

It stands in for a real add-on where none exists under plugins/: a settings schema, a
route under ``/debtest/`` and an Alembic branch. Version 0.2.0 adds a second revision, so
the upgrade step migrates a table that holds data.
"""

from __future__ import annotations

from pathlib import Path

ADDON_ID = "debtest"

SETUP_CFG = """\
[metadata]
name = splynx-debtest
version = {version}
description = Install-test add-on for splynx-host

[options]
packages = find:
include_package_data = True

[options.package_data]
splynx_debtest = migrations/*.py

[options.entry_points]
splynx.addons =
    debtest = splynx_debtest
"""

PLUGIN = '''\
"""Install-test add-on: settings, one route, one table."""

from flask import Blueprint

from core import AddonManifest, Field, FieldType, ModuleSpec, Section, SettingsSchema, hookimpl

VERSION = "{version}"
MANIFEST = AddonManifest(id="debtest", title="Install test", requires_api=">=1.0")

SETTINGS = SettingsSchema((
    Section("common", "Common settings", (
        Field("greeting", "Greeting", FieldType.TEXT, default="Hello"),
        Field("api_key", "API key", FieldType.SECRET),
    )),
))

bp = Blueprint("debtest", __name__)


@bp.get("/")
def index():
    return f"debtest add-on {{VERSION}}"


@hookimpl
def splynx_configure_module():
    """A text setting and a secret."""
    return ModuleSpec(title="Install test", settings=SETTINGS)


@hookimpl
def splynx_register_entry_points():
    """No entry points."""
    return []


@hookimpl
def splynx_register_routes():
    """``/debtest/`` answers with the add-on's version."""
    return bp
'''

REVISION_1 = '''\
"""debtest items"""
from alembic import op
import sqlalchemy as sa

revision = "debtest0001"
down_revision = None
branch_labels = ("debtest",)
depends_on = "host0001"


def upgrade():
    op.create_table("debtest_items", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(64), nullable=False))


def downgrade():
    op.drop_table("debtest_items")
'''

REVISION_2 = '''\
"""debtest item notes"""
from alembic import op
import sqlalchemy as sa

revision = "debtest0002"
down_revision = "debtest0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("debtest_items") as batch:
        batch.add_column(sa.Column("note", sa.String(64), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("debtest_items") as batch:
        batch.drop_column("note")
'''


def write_fixture_addon(dest: Path, version: str) -> Path:
    """Write the add-on's source tree at ``version`` (``0.2.0`` and later add revision 2)."""
    package = dest / "splynx_debtest"
    migrations = package / "migrations"
    migrations.mkdir(parents=True)
    (dest / "setup.cfg").write_text(SETUP_CFG.format(version=version))
    (package / "__init__.py").write_text(PLUGIN.format(version=version))
    (migrations / "debtest0001_items.py").write_text(REVISION_1)
    if tuple(int(p) for p in version.split(".")[:2]) >= (0, 2):
        (migrations / "debtest0002_notes.py").write_text(REVISION_2)
    return dest
