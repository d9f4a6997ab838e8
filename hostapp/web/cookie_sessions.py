"""Flask's signed-cookie sessions with each cookie value verified and decoded once, not per request.

A logged-in browser sends the same cookie on request after request (``sessions.SEEN_STEP``
keeps it from changing more than once a minute), and Flask checks its signature and decodes
it every time. :class:`VerifiedCookieSessions` keeps, per cookie value, what that check gave
(the data and when the cookie was signed): a kept value passed the same signature check with
the same keys, and its age is checked again on every request, so a cookie is accepted exactly
when Flask would accept it. Each request gets its own copy of the data (its dicts, lists and
tuples copied; what the session serializer gives besides is immutable).
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

from .lru import LruCache


class VerifiedCookieSessions(SecureCookieSessionInterface):
    """:class:`flask.sessions.SecureCookieSessionInterface` remembering verified cookie values."""

    def __init__(self, size: int = 4096) -> None:
        self._verified: LruCache[tuple[dict, int] | None] = LruCache(size)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        verified = self._verified.get((keys, value), lambda: self._verify(app, value))
        max_age = int(app.permanent_session_lifetime.total_seconds())
        if verified is None or not 0 <= int(time.time()) - verified[1] <= max_age:
            return self.session_class()
        return self.session_class(_copy(verified[0]))

    def _verify(self, app: Flask, value: str) -> tuple[dict, int] | None:
        """The cookie's data and signing time if its signature holds, else ``None`` (age unchecked)."""
        try:
            data, signed_at = self.get_signing_serializer(app).loads(value, return_timestamp=True)
        except BadSignature:
            return None
        return data, int(signed_at.timestamp())


def _copy(value: Any) -> Any:
    """A copy of session data: new dicts, lists and tuples; other values (str, numbers, bytes,
    ``Markup``, ``UUID``, ``datetime``: all the tagged JSON serializer makes) are immutable and shared."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(item) for item in value)
    return value


def register(app: Flask) -> None:
    """Serve ``app``'s sessions through :class:`VerifiedCookieSessions`."""
    app.session_interface = VerifiedCookieSessions()
