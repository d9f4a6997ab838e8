"""Writing many rows with one short statement: inserts that return their ids, updates by id.

A charge batch books a hundred results at a time: an attempt per claimed invoice, a payment
per approved one, and the attempts, documents, balances and batch items written back.
SQLAlchemy's portable forms are a multi-row ``INSERT … VALUES (…), (…) RETURNING``
("insertmanyvalues") and an ``executemany`` of one ``UPDATE`` per row. On PostgreSQL both
cost the host more than the database work they ask for: psycopg parses an insert of some
1,800 placeholders anew on every call (it caches only statements of up to 50), and an
``executemany`` sends, binds and checks one statement per row.

Here PostgreSQL gets one array per column instead, unnested on the server: the statement's
text and its number of parameters are the same whatever the number of rows, so psycopg
converts it once, and the server runs one statement. Other databases get SQLAlchemy's
portable forms.
"""

from __future__ import annotations

from sqlalchemy import ARRAY, bindparam, func, insert, select, update
from sqlalchemy.orm import Session


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _unnested(table, rows: list[dict], names: list[str], **ordinality):
    """``unnest(:a_values, :b_values, …) AS rows(a, b, …)``: one typed array parameter per column."""
    arrays = [bindparam(f"{name}_values", [row[name] for row in rows], type_=ARRAY(table.c[name].type))
              for name in names]
    return func.unnest(*arrays).table_valued(*names, **ordinality).render_derived(name="rows")


def _insert_from_arrays(table, rows: list[dict]):
    """``INSERT INTO table (…) SELECT … FROM unnest(…) ORDER BY position``: the rows, in their order."""
    names = list(rows[0])
    source = _unnested(table, rows, names, with_ordinality="position")
    return insert(table).from_select(names, select(*(source.c[name] for name in names)).order_by(source.c.position))


def insert_rows(session: Session, model, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts of the same columns) into ``model``'s table.

    One statement on PostgreSQL; an ``executemany`` elsewhere. Column defaults the rows leave
    out are filled in as usual.
    """
    if not rows:
        return
    if _on_postgresql(session):
        session.execute(_insert_from_arrays(model.__table__, rows))
    else:
        session.execute(insert(model), rows)


def inserted_ids(session: Session, model, rows: list[dict]) -> list[int]:
    """:func:`insert_rows`, returning the rows' new ids in the rows' order.

    On PostgreSQL the rows are unnested in their order (``WITH ORDINALITY … ORDER BY``) and
    the table's sequence numbers them in that order, so the returned ids sorted are the rows'
    ids in order: the ordering SQLAlchemy's own ``sort_by_parameter_order`` relies on for
    PostgreSQL's serial keys. Elsewhere SQLAlchemy's multi-row ``INSERT … RETURNING``.
    """
    if not rows:
        return []
    if not _on_postgresql(session):
        return list(session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows).scalars())
    table = model.__table__
    return sorted(session.execute(_insert_from_arrays(table, rows).returning(table.c.id)).scalars())


def update_by_id(session: Session, model, rows: list[dict]) -> None:
    """Write ``rows`` (dicts of ``id`` and the same columns) to the rows of ``model`` with those ids.

    SQLAlchemy's ORM "bulk UPDATE by primary key" elsewhere; on PostgreSQL one
    ``UPDATE … FROM unnest(…)``. Columns with an ``onupdate`` default the rows leave out get
    it, as with the ORM.
    """
    if not rows:
        return
    if not _on_postgresql(session):
        session.execute(update(model), rows)
        return
    table = model.__table__
    names = list(rows[0])
    source = _unnested(table, rows, names)
    session.execute(update(table).where(table.c.id == source.c.id)
                    .values({name: source.c[name] for name in names if name != "id"}))
