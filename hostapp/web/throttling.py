"""The host's rate limits: moving-window counters (``limits``) in the process or on Redis.

One limiter per app holds the counters (``SPLYNX_RATELIMIT_STORAGE_URL``: ``memory://`` by
default, ``redis://...`` to share them between web workers); :class:`AttemptCounters` is what
:mod:`core.web.throttle` calls. The storage is built, and ``limits`` imported, when the first
attempt is counted: the host starts without them.
"""

from __future__ import annotations

import threading
import time

from flask import Flask

from core.web.throttle import THROTTLE_KEY, TooManyAttempts
from .errors import render_error


class AttemptCounters:
    """:class:`core.web.throttle.Throttle` on a ``limits`` storage (moving windows)."""

    def __init__(self, storage_url: str) -> None:
        self._storage_url = storage_url
        self._lock = threading.Lock()
        self._limiter = None

    def _window(self, limit: str):
        """The limiter, built with its storage on first use, and ``limit`` parsed (``"5 per minute"``)."""
        import limits  # the storage backends and their clients load at the first attempt, not at start-up

        with self._lock:
            if self._limiter is None:
                self._limiter = limits.strategies.MovingWindowRateLimiter(
                    limits.storage.storage_from_string(self._storage_url))
        return self._limiter, limits.parse(limit)

    def _wait(self, limiter, item, scope: str, key: str) -> float:
        reset_at, _remaining = limiter.get_window_stats(item, scope, key)  # a tuple in limits 2, a named one later
        return max(1.0, reset_at - time.time())

    def hit(self, scope: str, key: str, limit: str) -> float | None:
        limiter, item = self._window(limit)
        return None if limiter.hit(item, scope, key) else self._wait(limiter, item, scope, key)

    def wait(self, scope: str, key: str, limit: str) -> float | None:
        limiter, item = self._window(limit)
        return None if limiter.test(item, scope, key) else self._wait(limiter, item, scope, key)

    def clear(self, scope: str, key: str, limit: str) -> None:
        limiter, item = self._window(limit)
        limiter.clear(item, scope, key)


def register(app: Flask, storage_url: str) -> None:
    """Give ``app`` the attempt counters add-ons use, and the 429 page."""
    app.extensions[THROTTLE_KEY] = AttemptCounters(storage_url or "memory://")

    @app.errorhandler(TooManyAttempts)
    def _too_many(error: TooManyAttempts):
        body, code = render_error(429, "Too many attempts", error.description)
        return body, code, {"Retry-After": str(error.retry_after)}
