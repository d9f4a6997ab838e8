"""The pages' CSRF token, signed once per session token and then reused.

Flask-WTF's ``generate_csrf()`` signs the session's raw token, with the time, on every page.
The app sets ``WTF_CSRF_TIME_LIMIT=None``: the time in a token is never checked, so a token
signed earlier for the same raw token is exactly as valid as a new one. The template
global ``csrf_token()`` therefore keeps the signed form per raw token (and secret key);
with a time limit it signs afresh each time. Checking sent tokens stays Flask-WTF's
(:mod:`.csrf_check`), unchanged. Flask-WTF is imported by the first token made.
"""

from __future__ import annotations

from flask import Flask, current_app, session

from .lru import LruCache


def register(app: Flask) -> None:
    """Give the templates of ``app`` the ``csrf_token()`` global."""
    signed = LruCache[str](4096)

    def csrf_token() -> str:
        """The signed CSRF token for this session (a new raw token is made on first use)."""
        from flask_wtf.csrf import generate_csrf

        raw = session.get(app.config["WTF_CSRF_FIELD_NAME"])
        if raw is None or app.config["WTF_CSRF_TIME_LIMIT"] is not None:
            return generate_csrf()
        secret = app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        return signed.get((secret, raw), generate_csrf)

    app.jinja_env.globals["csrf_token"] = csrf_token
