"""Requests that no view could store or look up are refused at the door with 400.

A NUL character cannot be stored in a PostgreSQL text column nor compared with one, so a
query string, form field or path carrying one is answered 400 before any view runs, on
every database alike.
"""

from __future__ import annotations

from flask import Flask, abort, request


#: the bodies werkzeug parses into ``request.form``; any other body leaves the form empty
FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _carries_nul() -> bool:
    if "\x00" in request.path:
        return True
    for values in (request.args, request.form) if request.mimetype in FORM_MIMETYPES else (request.args,):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return True
    return False


def register(app: Flask) -> None:
    """Refuse requests with NUL characters in the path, the query string or the form."""

    @app.before_request
    def _refuse_nul():
        if _carries_nul():
            abort(400)
