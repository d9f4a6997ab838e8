"""The host's rate limits: the ``limits`` library with its storage in the process or on Redis.

One moving-window limiter per app holds the counters (``SPLYNX_RATELIMIT_STORAGE_URL``:
``memory://`` by default, ``redis://...`` to share them between web workers); the
:class:`AttemptCounters` on top of it is what :mod:`core.web.throttle` calls. Views count
attempts explicitly; no route has a limit of its own, so other requests do no limiter work.
"""

from __future__ import annotations

import time

from flask import Flask
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from core.web.throttle import THROTTLE_KEY, TooManyAttempts
from .errors import render_error


class AttemptCounters:
    """:class:`core.web.throttle.Throttle` on a ``limits`` storage (moving windows)."""

    def __init__(self, limiter: MovingWindowRateLimiter) -> None:
        self._limiter = limiter

    def _wait(self, item, scope: str, key: str) -> float:
        reset_at = self._limiter.get_window_stats(item, scope, key).reset_time
        return max(1.0, reset_at - time.time())

    def hit(self, scope: str, key: str, limit: str) -> float | None:
        item = parse(limit)
        return None if self._limiter.hit(item, scope, key) else self._wait(item, scope, key)

    def wait(self, scope: str, key: str, limit: str) -> float | None:
        item = parse(limit)
        return None if self._limiter.test(item, scope, key) else self._wait(item, scope, key)

    def clear(self, scope: str, key: str, limit: str) -> None:
        self._limiter.clear(parse(limit), scope, key)


def register(app: Flask, storage_url: str) -> None:
    """Give ``app`` its limiter, the attempt counters add-ons use, and the 429 page."""
    limiter = MovingWindowRateLimiter(storage_from_string(storage_url or "memory://"))
    app.extensions[THROTTLE_KEY] = AttemptCounters(limiter)

    @app.errorhandler(TooManyAttempts)
    def _too_many(error: TooManyAttempts):
        body, code = render_error(429, "Too many attempts", error.description)
        return body, code, {"Retry-After": str(error.retry_after)}
