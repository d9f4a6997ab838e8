"""A test add-on whose migration creates a table and then fails."""

from core import AddonManifest, EntryPoint, ModuleSpec, hookimpl

MANIFEST = AddonManifest(id="bad_migration", title="Bad migration", requires_api=">=1.0")


@hookimpl
def splynx_configure_module():
    """A module without settings."""
    return ModuleSpec(title="Bad migration")


@hookimpl
def splynx_register_entry_points():
    """One menu link (it must never be stored: the migration fails first)."""
    return [EntryPoint(name="bad_migration_menu", place="portal", type="menu_link", root="finance",
                       title="Bad migration", url="/bad-migration/", enabled=True)]
