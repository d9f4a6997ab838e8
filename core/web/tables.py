"""Server-side search and paging for every list page.

The count under a list stops at :data:`COUNT_CAP` rows ("of 10,000+ entries"): counting a
million rows on every view costs more than the page itself, and nobody pages that far.
For a list of one kind of record both the count and the paging walk the list's keys only
(an index serves them without reading the rows): a page picks its 25 keys in a derived table
and loads just those rows with what they join, in one query, so page 400 costs what page 1
does, and MariaDB finds the keys on the index of the filter and the order rather than walking
the rows of one status in date order.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from flask import request
from sqlalchemy import String, and_, cast, func, inspect, literal, or_, select
from sqlalchemy.orm import Session

from .viewers import current_host

#: rows a list page counts at most; beyond it the pager says "10,000+" and pages that far
COUNT_CAP = 10_000


@dataclass
class Page:
    """One page of rows plus what the pager needs."""

    items: list
    page: int
    per_page: int
    total: int
    query: str
    #: ``total`` stopped at :data:`COUNT_CAP`; there are more rows
    capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def first_row(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.page * self.per_page)


def paginate(session: Session, statement, search_columns=(), *, prefix_columns=(), scalars: bool = True) -> Page:
    """Apply ``?q=`` and ``?page=`` to a select.

    ``q`` matches anywhere in any of ``search_columns`` (case-insensitive), or the beginning
    of any of ``prefix_columns`` (document numbers: an index finds them, also in a million rows).
    """
    q = request.args.get("q", "").strip()[:100]
    if q and (search_columns or prefix_columns):
        pattern = f"%{q.lower()}%"
        statement = statement.where(or_(*(func.lower(cast(c, String)).like(pattern) for c in search_columns),
                                        *(_starts_with(c, q) for c in prefix_columns)))
    key = _key_column(statement) if scalars else None
    counted = (statement if key is None else statement.with_only_columns(key)).order_by(None)
    total, capped = _capped_count(session, counted)
    page, per_page = _requested_page(total)
    offset = (page - 1) * per_page
    if key is not None:
        keys = statement.with_only_columns(key).limit(per_page).offset(offset).subquery()
        result = session.execute(statement.join(keys, key == keys.c[key.key]))
    else:
        result = session.execute(statement.limit(per_page).offset(offset))
    items = list(result.scalars() if scalars else result)
    return Page(items, page, per_page, total, q, capped)


def _capped_count(session: Session, counted) -> tuple[int, bool]:
    """How many rows ``counted`` selects, at most :data:`COUNT_CAP`, and whether there are more.

    A probe for a row past the cap comes first: it steps over the first :data:`COUNT_CAP`
    keys without keeping them (MariaDB would store a limited derived table's rows before
    counting them), and only a list within the cap is counted.
    """
    beyond = counted.limit(1).offset(COUNT_CAP).subquery()
    if session.execute(select(literal(1)).select_from(beyond)).first() is not None:
        return COUNT_CAP, True
    return session.execute(select(func.count()).select_from(counted.subquery())).scalar_one(), False


def _key_column(statement):
    """The primary key column of the one record kind ``statement`` lists, ``None`` for other selects."""
    described = statement.column_descriptions
    if len(described) != 1 or statement._distinct or statement._group_by_clauses:
        return None
    entity = described[0].get("entity")
    mapper = inspect(entity, raiseerr=False) if entity is not None else None
    if mapper is None or described[0]["expr"] is not entity or len(mapper.primary_key) != 1:
        return None
    return getattr(entity, mapper.primary_key[0].key)


def _starts_with(column, prefix: str):
    """``column`` begins with ``prefix``, as a range every B-tree index on the column serves."""
    following = ord(prefix[-1]) + 1
    if following > 0x10FFFF:
        return column >= prefix
    if 0xD800 <= following <= 0xDFFF:  # no string may hold a surrogate: the next character is U+E000
        following = 0xE000
    return and_(column >= prefix, column < prefix[:-1] + chr(following))


def _requested_page(total: int) -> tuple[int, int]:
    """``?page=`` clamped to the pages ``total`` rows fill, and the page size."""
    per_page = current_host().config.page_size
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    return min(page, max(1, ceil(total / per_page))), per_page


def paginate_items(items: list, matches=None) -> Page:
    """Like :func:`paginate` for rows already in memory; ``matches(item, q)`` filters on ``?q=``."""
    q = request.args.get("q", "").strip()[:100]
    if q and matches is not None:
        items = [item for item in items if matches(item, q)]
    page, per_page = _requested_page(len(items))
    return Page(items[(page - 1) * per_page:page * per_page], page, per_page, len(items), q)
