"""Server-side search and paging for every list page."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from flask import request
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from .viewers import current_host


@dataclass
class Page:
    """One page of rows plus what the pager needs."""

    items: list
    page: int
    per_page: int
    total: int
    query: str

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def first_row(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.page * self.per_page)


def paginate(session: Session, statement, search_columns=(), *, scalars: bool = True) -> Page:
    """Apply ``?q=`` (case-insensitive, any of ``search_columns``) and ``?page=`` to a select."""
    q = request.args.get("q", "").strip()[:100]
    if q and search_columns:
        pattern = f"%{q.lower()}%"
        statement = statement.where(or_(*(func.lower(cast(c, String)).like(pattern) for c in search_columns)))
    total = session.execute(select(func.count()).select_from(statement.order_by(None).subquery())).scalar_one()
    page, per_page = _requested_page(total)
    result = session.execute(statement.limit(per_page).offset((page - 1) * per_page))
    items = list(result.scalars() if scalars else result)
    return Page(items, page, per_page, total, q)


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
