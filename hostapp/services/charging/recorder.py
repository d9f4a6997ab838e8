"""Booking the handler's per-invoice results while the gateway keeps working.

The add-on streams :class:`core.payments.ChargeItemResult` s; the lane hands each to a
:class:`Recorder`, whose threads book it (the state-transition gate, the payment and its
ledger lines) and write the item's log line, so the thread reading the add-on's results
never waits on the database.

Results that queue up are booked in groups: a group is one transaction (one commit, one
fsync) booked set-based by :meth:`PaymentService.finish_many` (a few multi-row statements
whatever the group's size). If that fails (a deadlock, a lock wait, a result one of the
group's rows refuses), the group is booked again one result at a time, each in its own
savepoint through a :class:`PaymentService` whose "database" is that transaction
(:class:`_Savepoints`), so one bad result cannot hold back the others. Ledger categories and
payment methods are looked up once per batch (:func:`hostapp.services.ledger.reference_ids`).
On SQLite (one writer) one thread books; on MariaDB and PostgreSQL a lane with many requests
in flight books with several threads, groups side by side (the runner chooses how many).
A result that is not committed leaves its attempt open: the invoice stays *Pending* and a
resumed batch asks the gateway again with the same key, which never charges twice.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from core.payments import PaymentResult, TransitionError

from ...models import ChargeBatchItem
from ..bulk_rows import update_by_id
from ..ledger import REFERENCE_IDS
from ..payments import PaymentService
from .claims import Claimed

log = logging.getLogger(__name__)

#: results booked in one transaction, at most
GROUP_SIZE = 100
#: how long a booking thread gathers results into a group before booking it: a group's cost is
#: mostly per statement, so fuller groups cost less per result (the batch's end does not wait)
GATHER_SECONDS = 0.2
#: tries of one booking that hit a transient database error (deadlock, lock wait timeout)
RETRIES = 3
_STOP = object()


def default_line(claimed: Claimed, result: PaymentResult) -> str:
    item = claimed.charge
    head = f"Invoice {item.invoice_number} (id {item.invoice_id}), customer id {item.customer_id}, amount {item.amount}"
    tail = f", reference {result.reference}" if result.reference else ""
    return f"{head}: {result.status.value}{': ' + result.message if result.message else ''}{tail}"


def _refused(exc: TransitionError) -> str:
    return f" (the attempt already had another outcome, which stands: {exc})"


class _Savepoints:
    """Stands in for :class:`hostapp.db.Database`: each "transaction" is a savepoint of one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @contextmanager
    def transaction(self):
        with self.session.begin_nested():
            yield self.session


class Recorder:
    """Books results on background threads; :meth:`close` waits for all of them."""

    def __init__(self, host, threads: int) -> None:
        self.host = host
        self._queue: queue.Queue = queue.Queue()
        self.failures: list[str] = []
        #: ids of ledger categories and payment methods, shared by every group of the batch
        self.reference: dict = {}
        count = 1 if host.db.is_sqlite else max(1, threads)
        self._threads = [threading.Thread(target=self._work, name=f"charge-book-{n}", daemon=True)
                         for n in range(count)]
        for thread in self._threads:
            thread.start()

    def record(self, claimed: Claimed, result: PaymentResult, line: str = "") -> None:
        self._queue.put((claimed, result, line or default_line(claimed, result)))

    def note(self, item_id: int, line: str) -> None:
        """Only log a line for an item whose outcome is already booked."""
        self._queue.put((item_id, None, line))

    def close(self) -> list[str]:
        """Wait for every booking; return the results that could not be booked."""
        for _ in self._threads:
            self._queue.put(_STOP)
        for thread in self._threads:
            thread.join()
        return self.failures

    # -- worker side --------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            entry = self._queue.get()
            if entry is _STOP:
                return
            group, until = [entry], time.monotonic() + GATHER_SECONDS
            while len(group) < GROUP_SIZE:
                try:
                    entry = self._queue.get(timeout=max(0.0, until - time.monotonic()))
                except queue.Empty:
                    break
                if entry is _STOP:
                    self._queue.put(_STOP)
                    break
                group.append(entry)
            try:
                self._book_group(group)
            except Exception as exc:  # noqa: BLE001 - the attempts stay open; a resume re-asks the gateway
                log.exception("could not commit %d charge result(s)", len(group))
                self.failures.extend(f"{self._name(e)}: {type(exc).__name__}: {exc}" for e in group)

    @staticmethod
    def _name(entry) -> str:
        subject = entry[0]
        return subject.charge.invoice_number if isinstance(subject, Claimed) else f"item {subject}"

    def _book_group(self, group: list) -> None:
        try:
            self._book_together(group)
        except Exception:  # noqa: BLE001 - booked one by one below, where each result fails alone
            log.warning("could not book %d charge result(s) together; booking them one by one", len(group),
                        exc_info=True)
            self._book_one_by_one(group)

    def _book_together(self, group: list) -> None:
        """Book a group set-based in one transaction (all or nothing)."""
        with self.host.db.transaction() as session:
            session.info[REFERENCE_IDS] = self.reference
            refused = self.host.payments.finish_many(session, {
                subject.attempt_id: result for subject, result, _ in group if result is not None})
            rows = []
            for subject, result, line in group:
                if result is None:
                    rows.append({"id": subject, "status": "done", "log": line})
                    continue
                if subject.attempt_id in refused:
                    line += _refused(refused[subject.attempt_id])
                rows.append({"id": subject.item_id, "status": "done", "log": line})
            update_by_id(session, ChargeBatchItem, rows)

    def _book_one_by_one(self, group: list) -> None:
        """Book a group result by result, each in its own savepoint of one transaction."""
        with self.host.db.transaction() as session:
            session.info[REFERENCE_IDS] = self.reference
            payments = PaymentService(_Savepoints(session), self.host.payments.hooks)
            rows = [row for row in (self._apply(payments, entry) for entry in group) if row]
            if rows:
                update_by_id(session, ChargeBatchItem, rows)

    def _apply(self, payments: PaymentService, entry) -> dict | None:
        """Book one result (in its own transaction or savepoint); the item row to write, if any."""
        subject, result, line = entry
        if result is None:
            return {"id": subject, "status": "done", "log": line}
        for retry in range(1, RETRIES + 1):
            try:
                payments.finish(subject.attempt_id, result)
            except TransitionError as exc:
                line += _refused(exc)
            except (OperationalError, IntegrityError) as exc:  # deadlock, lock timeout: finish is idempotent
                if retry < RETRIES:
                    log.warning("booking attempt %s failed (%s); retrying", subject.charge.attempt_key, exc)
                    time.sleep(0.05 * retry)
                    continue
                return self._failed(subject, exc)
            except Exception as exc:  # noqa: BLE001 - this attempt stays open (its transaction was rolled back)
                return self._failed(subject, exc)
            return {"id": subject.item_id, "status": "done", "log": line}
        return None

    def _failed(self, subject: Claimed, exc: Exception) -> None:
        log.error("could not book the result of attempt %s", subject.charge.attempt_key, exc_info=exc)
        self.failures.append(f"{subject.charge.invoice_number}: {type(exc).__name__}: {exc}")
