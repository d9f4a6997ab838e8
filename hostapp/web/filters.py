"""Jinja filters and globals shared by every template (money, dates, icons, page or modal layout)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from flask import Flask
from markupsafe import Markup

from core.web import day, in_modal, layout_for, money
from .icons import icon

STATUS_CLASSES = {
    "Paid": "success", "Unpaid": "danger", "Overdue": "danger", "Pending": "warning", "Partially paid": "info",
    "Deleted": "muted", "Active": "success", "Used": "muted", "Disabled": "muted", "Expired": "warning",
    "enabled": "success", "disabled": "muted", "removed": "muted", "broken": "danger", "queued": "info",
    "running": "warning", "succeeded": "success", "failed": "danger", "approved": "success",
    "declined": "danger", "unknown": "warning", "pending": "warning", "refunded": "muted",
    "Ready": "success", "Error": "danger", "Running": "warning", "Queued": "info", "Cancelled": "muted",
    "skipped": "muted", "not charged": "muted", "new": "info", "sending": "warning", "sent": "success",
}


@lru_cache(maxsize=1024)
def badge(text: str) -> Markup:
    """A status as a coloured badge; each status's markup is made once (a list shows the same few on every row)."""
    return Markup('<span class="badge badge-{}">{}</span>').format(STATUS_CLASSES.get(text, "info"), text)


def merge_query(args: dict, **changes) -> str:
    """The current query string with some parameters replaced (for pager links)."""
    return urlencode({**args, **changes})


def register(app: Flask) -> None:
    app.jinja_env.filters.update(money=money, day=day, badge=badge, merge_query=merge_query)
    app.jinja_env.globals.update(icon=icon, layout_for=layout_for, in_modal=in_modal)
