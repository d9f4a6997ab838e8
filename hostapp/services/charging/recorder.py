"""Booking the handler's per-invoice results while the gateway keeps working.

The add-on streams :class:`core.payments.ChargeItemResult` s; the lane hands each to a
:class:`Recorder`, whose few threads book it through :meth:`PaymentService.finish` (the
state-transition gate, the payment and ledger lines in one transaction) so that the thread
reading the add-on's results never waits on the database. Log lines are written to the
items in groups. A result that cannot be booked leaves its attempt open: the invoice stays
*Pending* and a resumed batch re-asks the gateway with the same key.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import update

from core.payments import PaymentResult, TransitionError

from ...models import ChargeBatchItem
from .claims import Claimed

log = logging.getLogger(__name__)

FLUSH_ROWS = 50
FLUSH_SECONDS = 1.0


def default_line(claimed: Claimed, result: PaymentResult) -> str:
    item = claimed.charge
    head = f"Invoice {item.invoice_number} (id {item.invoice_id}), customer id {item.customer_id}, amount {item.amount}"
    tail = f", reference {result.reference}" if result.reference else ""
    return f"{head}: {result.status.value}{': ' + result.message if result.message else ''}{tail}"


class Recorder:
    """Books results on ``threads`` threads and writes item log lines in groups of rows."""

    def __init__(self, host, threads: int) -> None:
        self.host = host
        self._pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="charge-book")
        self._futures = []
        self._lock = threading.Lock()
        self._rows: list[dict] = []
        self._flushed_at = time.monotonic()
        self.failures: list[str] = []

    def record(self, claimed: Claimed, result: PaymentResult, line: str = "") -> None:
        self._futures.append(self._pool.submit(self._book, claimed, result, line))

    def note(self, item_id: int, line: str) -> None:
        """Only log a line for an item whose outcome is already booked."""
        self._add({"id": item_id, "status": "done", "log": line})

    def _book(self, claimed: Claimed, result: PaymentResult, line: str) -> None:
        line = line or default_line(claimed, result)
        try:
            self.host.payments.finish(claimed.attempt_id, result)
        except TransitionError as exc:
            line += f" (the attempt already had another outcome, which stands: {exc})"
        except Exception as exc:  # noqa: BLE001 - the attempt stays open; a resume re-asks the gateway
            log.exception("could not book the result of attempt %s", claimed.charge.attempt_key)
            self.failures.append(f"{claimed.charge.invoice_number}: {type(exc).__name__}: {exc}")
            return
        self._add({"id": claimed.item_id, "status": "done", "log": line})

    def _add(self, row: dict) -> None:
        with self._lock:
            self._rows.append(row)
            due = len(self._rows) >= FLUSH_ROWS or time.monotonic() - self._flushed_at >= FLUSH_SECONDS
            rows = self._take() if due else []
        self._write(rows)

    def _take(self) -> list[dict]:
        rows, self._rows = self._rows, []
        self._flushed_at = time.monotonic()
        return rows

    def _write(self, rows: list[dict]) -> None:
        if rows:
            with self.host.db.transaction() as session:
                session.execute(update(ChargeBatchItem), rows)

    def close(self) -> list[str]:
        """Wait for every booking, write the remaining log lines; return booking failures."""
        for future in self._futures:
            future.result()
        self._pool.shutdown(wait=True)
        with self._lock:
            rows = self._take()
        self._write(rows)
        return self.failures
