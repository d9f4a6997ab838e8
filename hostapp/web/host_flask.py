"""The host's Flask application class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from .url_rules import LazyBuilderRule

#: at most this many plain functions are remembered (views and hooks are a bounded set)
SYNC_FUNCTIONS = 4096


class HostFlask(Flask):
    """The host's Flask application.

    Its URL rules (add-ons' too) compile their builders on first use (:mod:`.url_rules`).
    Flask asks whether a function is an ``async def`` one before every call of a view, a
    ``before_request``, ``after_request`` or teardown hook and a context processor, some
    fifteen times per page; the answer never changes for a function, so a plain function,
    once seen, is handed back as it is.
    """

    url_rule_class = LazyBuilderRule

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync_functions: set[Callable[..., Any]] = set()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask's ``ensure_sync``, remembering the plain functions it was given."""
        try:
            if func in self._sync_functions:
                return func
        except TypeError:  # an unhashable callable object
            return super().ensure_sync(func)
        synced = super().ensure_sync(func)
        if synced is func and len(self._sync_functions) < SYNC_FUNCTIONS:
            self._sync_functions.add(func)
        return synced
