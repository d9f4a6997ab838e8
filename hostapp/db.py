"""Database engine and sessions (SQLAlchemy 2), portable over SQLite, MariaDB and PostgreSQL."""

from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker


def make_engine(url: str, *, immediate: bool = False) -> Engine:
    """An engine set up for concurrent web use.

    SQLite gets WAL, foreign keys and a busy wait; with ``immediate`` its transactions take
    the write lock when they begin (``BEGIN IMMEDIATE``), so a read-then-write transaction
    never fails half-way on a lock upgrade. MariaDB reads committed data (as PostgreSQL
    does by default) so a request sees what a service transaction committed meanwhile.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # the driver leaves transactions to SQLAlchemy: the dialect's BEGIN below opens each one
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        engine.dialect.do_begin = _sqlite_begin("BEGIN IMMEDIATE" if immediate else "BEGIN")
        return engine
    options = {"isolation_level": "READ COMMITTED"} if url.startswith("mysql") else {}
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **options)


def _sqlite_begin(statement: str):
    """The dialect's ``do_begin`` for SQLite: ``statement`` straight on the driver connection.

    A transaction must begin before its first read (the driver would begin it only before a
    write), and ``BEGIN IMMEDIATE`` takes the write lock up front. Beginning in the dialect,
    not in a ``begin`` event as SQLAlchemy's SQLite notes show, keeps the engine free of
    connection event listeners, which every statement would otherwise be dispatched through.
    """

    def do_begin(dbapi_connection) -> None:
        dbapi_connection.execute(statement)

    return do_begin


class Database:
    """The engine, a thread-local session for requests, and short write transactions.

    ``session`` is the request's session (reads, simple form saves). ``transaction()``
    opens a separate short transaction for services that must commit on their own
    (payment attempts, jobs); on SQLite it takes the write lock up front.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.write_engine = make_engine(url, immediate=True) if url.startswith("sqlite") else self.engine
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._write_factory = sessionmaker(bind=self.write_engine, expire_on_commit=False)
        self.session = scoped_session(self.session_factory)
        self._write_lock = threading.RLock() if self.is_sqlite else nullcontext()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self):
        """A fresh session in one transaction: committed on success, rolled back on error.

        On SQLite the threads of this process queue on a lock for it: SQLite allows one
        writer, and its busy handler makes a waiting writer sleep in growing steps.
        """
        with self._write_lock:
            session: Session = self._write_factory()
            try:
                with session.begin():
                    yield session
            finally:
                session.close()

    @contextmanager
    def reading(self):
        """A fresh session for reads only (no write lock on SQLite); never commits."""
        session: Session = self.session_factory()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()
        self.write_engine.dispose()
