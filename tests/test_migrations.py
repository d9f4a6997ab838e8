"""The host's migrations build the schema its models declare: tables, columns, types, indexes, constraints.

A model index or column without its migration (or a migration without its model) fails here on the
suite's database, so on SQLite, PostgreSQL and MariaDB alike.
"""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hostapp.models import Base


def host_tables() -> set[str]:
    """The tables of the host's models: every table but those an add-on maps (``splynx_…`` modules)."""
    addon_tables = {mapper.local_table.name for mapper in Base.registry.mappers
                    if mapper.class_.__module__.startswith("splynx_")}
    return set(Base.metadata.tables) - addon_tables


def test_the_migrated_schema_is_the_models_schema(database):
    tables = host_tables()

    def host_only(_object, name, type_, _reflected, _compare_to):
        return type_ != "table" or name in tables

    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": host_only, "compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
