"""What every page reads and administrators rarely change, computed once per configuration.

Pages read the same configuration on every request: the enabled entry points and the
modules they belong to, the portal's and add-ons' settings (tables ``modules``,
``entry_points``, ``module_settings``). :class:`ConfigCache` keeps values computed from them
for as long as the *configuration generation* stays the same: a row of ``number_sequences``
that every transaction changing one of those tables sets to a new random value when it
commits (a session listener notices ORM changes and bulk statements on those tables; a
random value, not a counter, so a database emptied and filled again never repeats one).

A session reads the generation once per transaction (one primary-key lookup, or a column of
the query that loads the logged-in user: :data:`GENERATION_COLUMN`) and then takes cached values, so a change committed by any process shows from the next transaction
of every process. A transaction that changes the configuration itself reads it directly.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable
from itertools import chain
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import ORMExecuteState, Session

from ..models import NumberSequence

#: the tables whose rows the cached values are computed from
CONFIG_TABLES = frozenset({"modules", "entry_points", "module_settings"})
#: the ``number_sequences`` row holding the generation
GENERATION_KEY = "config-generation"

_GENERATION = "config_cache.generation"
_CHANGED = "config_cache.changed"


class ConfigCache:
    """Values computed from the configuration tables, kept while the generation stays."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._values: dict[Hashable, Any] = {}

    def value(self, session: Session, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value of ``key`` for the configuration ``session`` sees, else ``compute()``'s.

        ``compute`` reads through ``session``; what it returns is shared by every thread of
        the process, so it must not be changed by its users (tuples, frozensets, frozen
        dataclasses).
        """
        if changes_config(session):
            return compute()
        current = generation(session)
        with self._lock:
            if current != self._generation:
                self._generation, self._values = current, {}
            elif key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            if current == self._generation:
                self._values[key] = value
        return value


def generation(session: Session) -> int:
    """The configuration generation this session's transaction sees (read once per transaction)."""
    if _GENERATION not in session.info:
        session.info[_GENERATION] = session.execute(_READ_GENERATION).scalar_one_or_none() or 0
    return session.info[_GENERATION]


_TABLE = NumberSequence.__table__
#: a Core statement (no ORM entity to compile for): read on every page
_READ_GENERATION = select(_TABLE.c.last).where(_TABLE.c.prefix == GENERATION_KEY)
#: the generation as a column of another query (``NULL`` before the first change); hand what it
#: reads to :func:`remember_generation`, and the transaction needs no query of its own for it
GENERATION_COLUMN = _READ_GENERATION.scalar_subquery()


def remember_generation(session: Session, value: int | None) -> None:
    """Take the generation a query of this session's transaction read through :data:`GENERATION_COLUMN`."""
    session.info.setdefault(_GENERATION, value or 0)


def changes_config(session: Session) -> bool:
    """Whether this session's transaction has changed (or is about to change) a configuration table."""
    session.flush()  # pending changes raise the flag (nothing to do, and cheap, when there are none)
    return session.info.get(_CHANGED, False)


def _is_config(obj) -> bool:
    return getattr(obj, "__tablename__", None) in CONFIG_TABLES


@event.listens_for(Session, "after_flush")
def _notice_flush(session: Session, _context) -> None:
    if any(_is_config(obj) for obj in chain(session.new, session.dirty, session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _notice_statement(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete or state.is_insert) \
            and getattr(state.statement.table, "name", None) in CONFIG_TABLES:
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _move_generation(session: Session) -> None:
    session.flush()
    if not session.info.pop(_CHANGED, False):
        return
    new = secrets.randbits(31)
    moved = update(NumberSequence).where(NumberSequence.prefix == GENERATION_KEY).values(last=new)
    if session.execute(moved).rowcount:
        return
    try:  # the first change: another transaction may be adding the row right now
        with session.begin_nested():
            session.add(NumberSequence(prefix=GENERATION_KEY, last=new))
    except IntegrityError:
        session.execute(moved)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_generation(session: Session, *_previous) -> None:
    session.info.pop(_GENERATION, None)
    if not session.in_transaction():
        session.info.pop(_CHANGED, None)
