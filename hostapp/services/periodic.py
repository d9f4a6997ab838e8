"""Periodic work of a long-running process: one daemon thread per task.

``splynx serve`` and ``splynx worker`` start the same tasks (resume interrupted charge
batches, reconcile payment attempts); a Debian timer runs their command-line twins where
the web app runs under gunicorn. Each task's errors are logged and tried again next period.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Periodic:
    """Calls ``work()`` every ``interval`` seconds on a daemon thread until stopped."""

    def __init__(self, name: str, interval: float, work: Callable[[], object]) -> None:
        self.name = name
        self.interval = interval
        self.work = work
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> "Periodic":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.work()
            except Exception:  # noqa: BLE001 - try again next period
                log.exception("periodic task %s failed", self.name)
