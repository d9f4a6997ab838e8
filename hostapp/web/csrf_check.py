"""CSRF protection: every POST, PUT, PATCH and DELETE must carry the session's signed token.

The check is Flask-WTF's (:meth:`flask_wtf.csrf.CSRFProtect.protect`, unchanged), registered
when the app is built, in the place ``CSRFProtect(app)`` would take among the request hooks,
and it reads the host's ``WTF_CSRF_*`` settings (:func:`hostapp.app.create_app`).
Importing Flask-WTF imports WTForms (and Babel and its reCAPTCHA fields) while the host has no
WTForms forms, only the token: so Flask-WTF is imported by the first request the check must
look at, or by the first token a page renders (:mod:`.csrf_tokens`), not at start-up. A GET,
HEAD or OPTIONS request is let through before that import, as ``protect`` lets it through.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from flask import Flask, request

if TYPE_CHECKING:
    from flask_wtf.csrf import CSRFProtect


@cache
def _protector() -> CSRFProtect:
    """Flask-WTF's checker (it keeps no app: ``protect`` reads the current app's config).

    The host exempts no view, so the check is ``protect()`` itself: the same call in Debian
    trixie's Flask-WTF (1.2) as in later releases, which added the ``apply_exemptions`` flag.
    """
    from flask_wtf.csrf import CSRFProtect

    return CSRFProtect()


def register(app: Flask) -> None:
    """Check the CSRF token of every request of ``app`` whose method is one of ``WTF_CSRF_METHODS``.

    The ``WTF_CSRF_*`` settings are the host's, declared with the app's other settings
    (:func:`hostapp.app.create_app`).
    """

    @app.before_request
    def csrf_protect():
        """Flask-WTF's check of the sent token (a ``400`` ``CSRFError`` when it is missing or wrong)."""
        config = app.config
        if not config["WTF_CSRF_ENABLED"] or not config["WTF_CSRF_CHECK_DEFAULT"]:
            return
        if request.method not in config["WTF_CSRF_METHODS"]:
            return
        _protector().protect()
