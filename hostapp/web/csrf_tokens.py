"""CSRF protection: Flask-WTF's check on the requests it applies to, and the pages' token signed once.

Flask-WTF's ``CSRFProtect`` checks every request in a ``before_request`` hook that first looks
up the view's and blueprint's exemptions and only then sees that a GET needs no check.
:func:`protect` lets it check (the same ``protect`` call, exemptions included) only requests
whose method is in ``WTF_CSRF_METHODS``, the only ones it checks at all, so a page view skips
the look-ups.

Flask-WTF's ``csrf_token()`` signs the session's raw token, with the time, on every page.
The app sets ``WTF_CSRF_TIME_LIMIT=None``: the time in a token is never checked, so a token
signed earlier for the same raw token is exactly as valid as a new one. The template
global ``csrf_token()`` therefore keeps the signed form per raw token (and secret key);
checking sent tokens stays Flask-WTF's (``CSRFProtect``), unchanged.
"""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf

from .lru import LruCache


def protect(app: Flask) -> None:
    """Check the CSRF token of every request of ``app`` whose method Flask-WTF checks."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # CSRFProtect's own hook then checks nothing
    csrf = CSRFProtect(app)

    @app.before_request
    def _check_csrf():
        if request.method in app.config["WTF_CSRF_METHODS"] and app.config["WTF_CSRF_ENABLED"]:
            csrf.protect(apply_exemptions=True)


def register(app: Flask) -> None:
    """Replace the ``csrf_token()`` template global of ``app`` (tokens without a time limit only)."""
    if app.config["WTF_CSRF_TIME_LIMIT"] is not None:
        return
    signed = LruCache[str](4096)

    def csrf_token() -> str:
        """The signed CSRF token for this session (a new raw token is made on first use)."""
        raw = session.get(app.config["WTF_CSRF_FIELD_NAME"])
        if raw is None:
            return generate_csrf()
        secret = app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        return signed.get((secret, raw), generate_csrf)

    # CSRFProtect offers its own as a global and through a context processor; this one comes later
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
