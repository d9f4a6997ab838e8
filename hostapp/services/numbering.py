"""Document numbers: invoices ``{year}{partner|2}{next|6}``, proformas ``{year}{next|6}``,
receipts ``{year}-{method|2}-{next|5}``.

Where the numbers come from depends on the database (the gap rules are in docs/numbering.md):

* PostgreSQL and MariaDB (10.3 and later): one database sequence per prefix
  (``numseq_receipt_2026_01`` …). Taking a number never waits on another transaction, so
  parallel payments in any number of workers do not serialise on a counter. A number taken
  by a transaction that then rolls back is not handed out again: the series may have gaps.
* SQLite: one counter row per prefix in ``number_sequences``, moved inside the caller's
  transaction. SQLite has one writer at a time anyway; a rolled-back number is reused, so
  the series has no gaps.

A prefix's sequence is created the first time it is used, starting after the last number its
``number_sequences`` row had handed out (so an upgraded installation continues its series).
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from ..models import NumberSequence

#: database sequences holding document numbers are named with this prefix
SEQUENCE_PREFIX = "numseq_"
#: what MariaDB's NEXTVAL of a missing sequence raises: "table doesn't exist", "unknown sequence"
_MARIADB_NO_SUCH_SEQUENCE = (1146, 4091)


def next_in_sequence(session: Session, prefix: str, count: int = 1) -> int:
    """The next value of the counter row ``prefix``, locked until the caller's transaction ends.

    With ``count`` the row moves on by that many: the caller takes the values up to the one returned.
    """
    query = select(NumberSequence).where(NumberSequence.prefix == prefix).with_for_update()
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        try:  # the first number of a prefix: another transaction may be creating the row right now
            with session.begin_nested():
                session.add(NumberSequence(prefix=prefix, last=0))
        except IntegrityError:
            pass
        row = session.execute(query).scalar_one()
    row.last += count
    session.flush()
    return row.last


def sequence_name(prefix: str) -> str:
    """The database sequence holding the numbers of ``prefix``."""
    return SEQUENCE_PREFIX + re.sub(r"[^a-z0-9]+", "_", prefix.lower())


def uses_sequences(session: Session) -> bool:
    """Whether this database hands out document numbers from sequences (else from counter rows)."""
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        return True
    return dialect.name == "mysql" and dialect.is_mariadb and dialect.server_version_info >= (10, 3)


def next_number(session: Session, prefix: str) -> int:
    """The next document number of ``prefix``: from its sequence where there is one, else its counter row."""
    return next_numbers(session, prefix, 1)[0]


def next_numbers(session: Session, prefix: str, count: int) -> list[int]:
    """The next ``count`` document numbers of ``prefix``, ascending, taken with one statement."""
    if not uses_sequences(session):
        last = next_in_sequence(session, prefix, count)
        return list(range(last - count + 1, last + 1))
    name = sequence_name(prefix)
    values = _nextvals(session, name, count)
    if values is None:
        _create_sequence(session, prefix, name)
        values = _nextvals(session, name, count)
    return values


#: ``count`` rows to take sequence values over (a recursive CTE: PostgreSQL and MariaDB alike)
_ROWS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "


def _nextvals(session: Session, name: str, count: int) -> list[int] | None:
    """The sequence's next ``count`` values, ``None`` if it does not exist (the caller's transaction stays usable)."""
    rows = _ROWS if count > 1 else ""
    if session.get_bind().dialect.name == "postgresql":
        # pg_class is read with the statement's snapshot (to_regclass would answer from a cache)
        values = session.execute(text(
            f"{rows}SELECT nextval(c.oid) FROM pg_class c{', n' if rows else ''} WHERE c.relname = :name "
            "AND c.relkind = 'S' AND c.relnamespace = CAST(current_schema() AS regnamespace)"),
            {"name": name, "count": count}).scalars().all()
        return sorted(values) or None
    try:  # a failed statement does not end a MariaDB transaction
        return sorted(session.execute(text(f"{rows}SELECT NEXTVAL({name}){' FROM n' if rows else ''}"),
                                      {"count": count}).scalars().all())
    except DBAPIError as exc:
        if _error_code(exc) not in _MARIADB_NO_SUCH_SEQUENCE:
            raise
        return None


def _create_sequence(session: Session, prefix: str, name: str) -> None:
    """Create the sequence of ``prefix`` on its own connection (DDL commits on MariaDB)."""
    engine = session.get_bind().engine
    with engine.connect() as conn:
        last = conn.execute(select(NumberSequence.last).where(NumberSequence.prefix == prefix)).scalar_one_or_none()
        conn.commit()
        try:
            conn.execute(text(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {(last or 0) + 1} "
                              "INCREMENT BY 1 MINVALUE 1 CACHE 1"))
            conn.commit()
        except IntegrityError:  # PostgreSQL: another transaction created it just now
            conn.rollback()


def _error_code(exc: DBAPIError) -> int | None:
    args = getattr(exc.orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def drop_sequences(conn) -> None:
    """Drop every document-number sequence (the test suite's reset; a database's data goes with it)."""
    if conn.dialect.name == "postgresql":
        names = conn.execute(text("SELECT sequence_name FROM information_schema.sequences "
                                  "WHERE sequence_schema = current_schema() AND sequence_name LIKE 'numseq\\_%'"))
    elif conn.dialect.name == "mysql":
        names = conn.execute(text("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                                  "AND table_type = 'SEQUENCE' AND table_name LIKE 'numseq\\_%'"))
    else:
        return
    for name in names.scalars().all():
        conn.execute(text(f"DROP SEQUENCE IF EXISTS {name}"))


def invoice_number(session: Session, partner_id: int, on: date) -> str:
    prefix = f"{on.year}{partner_id:02d}"
    return f"{prefix}{next_number(session, 'invoice-' + prefix):06d}"


def proforma_number(session: Session, on: date) -> str:
    return f"{on.year}{next_number(session, f'proforma-{on.year}'):06d}"


def receipt_number(session: Session, method_id: int, on: date) -> str:
    return receipt_numbers(session, method_id, on, 1)[0]


def receipt_numbers(session: Session, method_id: int, on: date, count: int) -> list[str]:
    """The next ``count`` receipt numbers of a payment method, ascending."""
    prefix = f"{on.year}-{method_id:02d}"
    return [f"{prefix}-{value:05d}" for value in next_numbers(session, "receipt-" + prefix, count)]
