"""Strict input in views: ids that cannot name a record answer 404 (the parsers are :mod:`core.inputs`)."""

from __future__ import annotations

from flask import abort
from werkzeug.routing import IntegerConverter

from ..inputs import MAX_ID, parse_id


def id_or_404(raw) -> int:
    """:func:`core.inputs.parse_id` for a view: an id that cannot name a record answers 404."""
    value = parse_id(raw)
    if value is None:
        abort(404)
    return value


class RecordIdConverter(IntegerConverter):
    """The ``<int:...>`` URL converter bounded to ids a table can hold: larger numbers are 404."""

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = 0, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
