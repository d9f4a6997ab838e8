"""The host's rate limits: Flask-Limiter with its storage in the process or on Redis.

One :class:`flask_limiter.Limiter` per app holds the counters (``SPLYNX_RATELIMIT_STORAGE_URL``:
``memory://`` by default, ``redis://...`` to share them between web workers); the
:class:`AttemptCounters` on top of it is what :mod:`core.web.throttle` calls.
"""

from __future__ import annotations

import time

from flask import Flask
from flask_limiter import Limiter
from limits import parse

from core.web.throttle import THROTTLE_KEY, TooManyAttempts
from .errors import render_error


class AttemptCounters:
    """:class:`core.web.throttle.Throttle` on a Flask-Limiter storage (moving windows)."""

    def __init__(self, limiter: Limiter) -> None:
        self._limiter = limiter

    def _wait(self, item, scope: str, key: str) -> float:
        reset_at = self._limiter.limiter.get_window_stats(item, scope, key).reset_time
        return max(1.0, reset_at - time.time())

    def hit(self, scope: str, key: str, limit: str) -> float | None:
        item = parse(limit)
        return None if self._limiter.limiter.hit(item, scope, key) else self._wait(item, scope, key)

    def wait(self, scope: str, key: str, limit: str) -> float | None:
        item = parse(limit)
        return None if self._limiter.limiter.test(item, scope, key) else self._wait(item, scope, key)

    def clear(self, scope: str, key: str, limit: str) -> None:
        self._limiter.limiter.clear(parse(limit), scope, key)


def register(app: Flask, storage_url: str) -> None:
    """Give ``app`` its limiter, the attempt counters add-ons use, and the 429 page."""
    limiter = Limiter(key_func=lambda: "-", app=app, storage_uri=storage_url or "memory://",
                      strategy="moving-window", key_prefix="splynx")
    app.extensions[THROTTLE_KEY] = AttemptCounters(limiter)

    @app.errorhandler(TooManyAttempts)
    def _too_many(error: TooManyAttempts):
        body, code = render_error(429, "Too many attempts", error.description)
        return body, code, {"Retry-After": str(error.retry_after)}
