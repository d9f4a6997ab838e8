"""SQLite transactions begin where SQLAlchemy begins them: reads see one snapshot, writers hold the lock.

These tests run on a SQLite file of their own whatever the suite's database is: the behaviour they
check is SQLite's, and a run on a server database deselects them (they never use ``database_url``).
"""

import sqlite3

import pytest
from sqlalchemy import func, select

from hostapp.db import Database
from hostapp.models import Base, Partner


@pytest.fixture
def sqlite_db(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'transactions.db'}")
    Base.metadata.create_all(db.write_engine, tables=[Partner.__table__])
    yield db
    db.dispose()


def test_a_request_session_reads_one_snapshot_until_its_transaction_ends(sqlite_db):
    session = sqlite_db.session
    before = session.execute(select(func.count()).select_from(Partner)).scalar_one()
    with sqlite_db.transaction() as writer:
        writer.add(Partner(name="Committed meanwhile"))
    assert session.execute(select(func.count()).select_from(Partner)).scalar_one() == before
    session.rollback()
    assert session.execute(select(func.count()).select_from(Partner)).scalar_one() == before + 1


def test_a_write_transaction_holds_the_write_lock_from_its_start(sqlite_db):
    other = sqlite3.connect(sqlite_db.engine.url.database, timeout=0, isolation_level=None)
    try:
        with sqlite_db.transaction() as session:
            session.connection()  # the transaction begins: nothing read or written yet
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_statements_are_not_dispatched_through_connection_events(sqlite_db):
    """Transactions begin in the dialect: new engines have no connection event listeners."""
    db = Database(sqlite_db.url)
    try:
        assert not db.engine._has_events and not db.write_engine._has_events
    finally:
        db.dispose()
