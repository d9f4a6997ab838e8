"""Throttling of guesses: logins, public pay pages, card attempts, refill codes.

A view counts an attempt under a scope and a key (an address, a login, a customer id)
against a limit in the ``limits`` library's notation (``"5 per minute"``). Past the
limit it raises :class:`TooManyAttempts`, which the host answers with 429 and a message
naming the wait. The counters live where the host keeps its rate limits: in the process
by default, on Redis when ``SPLYNX_RATELIMIT_STORAGE_URL`` names one, shared by every
web worker::

    from core.web import count_attempt

    count_attempt("refill-code", str(customer.id), "10 per 10 minutes")
"""

from __future__ import annotations

from math import ceil
from typing import Protocol

from flask import current_app
from werkzeug.exceptions import TooManyRequests

#: the key of the host's :class:`Throttle` in ``app.extensions``
THROTTLE_KEY = "splynx.throttle"


class TooManyAttempts(TooManyRequests):
    """Too many attempts under one scope and key: answered with 429 and the wait in seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, ceil(retry_after))
        super().__init__(f"Too many attempts. Try again in {wait_text(self.retry_after)}.",
                         retry_after=self.retry_after)


def wait_text(seconds: int) -> str:
    """``45 seconds``, ``1 minute``, ``12 minutes``: a wait as people read it."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class Throttle(Protocol):
    """The host's attempt counters (one storage for the whole app)."""

    def hit(self, scope: str, key: str, limit: str) -> float | None:
        """Count one attempt; the seconds to wait when that went past ``limit``, else ``None``."""

    def wait(self, scope: str, key: str, limit: str) -> float | None:
        """The seconds to wait when ``limit`` is already spent, else ``None`` (counts nothing)."""

    def clear(self, scope: str, key: str, limit: str) -> None:
        """Forget the attempts counted (after a success that ends the guessing)."""


def _throttle() -> Throttle:
    return current_app.extensions[THROTTLE_KEY]


def count_attempt(scope: str, key: str, limit: str) -> None:
    """Count one attempt; raise :class:`TooManyAttempts` when it goes past ``limit``."""
    retry_after = _throttle().hit(scope, key, limit)
    if retry_after is not None:
        raise TooManyAttempts(retry_after)


def check_attempts(scope: str, key: str, limit: str) -> None:
    """Raise :class:`TooManyAttempts` when ``limit`` is already spent (for counting only failures)."""
    retry_after = _throttle().wait(scope, key, limit)
    if retry_after is not None:
        raise TooManyAttempts(retry_after)


def clear_attempts(scope: str, key: str, limit: str) -> None:
    """Forget the attempts counted under ``scope`` and ``key``."""
    _throttle().clear(scope, key, limit)
