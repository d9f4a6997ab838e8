"""How amounts and dates look on every page (the host's Jinja filters use the same functions)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from .viewers import current_host


def money(value, currency: str | None = None) -> str:
    """``1,234.50 $``: two decimals, thousands separated, the currency sign after.

    ``currency`` defaults to the sign of the host serving the request.
    """
    if value is None:
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,.2f} {currency if currency is not None else current_host().config.currency}"


def day(value) -> str:
    """A date as ``YYYY-MM-DD``, a time as ``YYYY-MM-DD HH:MM``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
