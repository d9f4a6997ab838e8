"""The host0002 revision creates the charge tables on top of host0001 and drops them again."""

from alembic import command
from sqlalchemy import create_engine, inspect

from hostapp.services.migrations import alembic_config

CHARGE_TABLES = {"charge_batches", "charge_chunks", "charge_lanes", "charge_batch_items", "charge_auto_filters"}


def test_charge_revision_upgrades_and_downgrades(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'migrate.db'}")
    config = alembic_config(engine)

    def run(fn, target):
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            fn(config, target)

    run(command.upgrade, "host0001")
    assert not CHARGE_TABLES & set(inspect(engine).get_table_names())
    run(command.upgrade, "host@head")
    tables = set(inspect(engine).get_table_names())
    assert CHARGE_TABLES <= tables
    assert {tuple(u["column_names"]) for u in inspect(engine).get_unique_constraints("charge_batch_items")} == {
        ("batch_id", "target_id")}
    run(command.downgrade, "host0001")
    assert not CHARGE_TABLES & set(inspect(engine).get_table_names())
    engine.dispose()
