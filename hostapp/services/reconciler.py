"""The reconciler: settles every payment attempt whose outcome nobody knows yet.

An attempt is *due* when it is

* ``unknown`` (a time-out, a dropped connection or a garbage answer whose look-up failed
  too), or
* ``pending`` for longer than the attempt lease (``SPLYNX_ATTEMPT_LEASE_SECONDS``): the
  process that wrote it died, or hung, before it recorded the gateway's answer,

whatever moved the money: an invoice or proforma payment, a top-up, a refund, a refill-card
redemption, or an item of a charge batch that has finished (items of a batch still running
belong to its lanes and to ``splynx charge resume``).

:meth:`Reconciler.sweep` asks the add-on again about each due attempt *with the same key*
(:meth:`PaymentService.reconcile` calls the same money hook, whose contract makes a
repeated call answer what the gateway did: IPpay ``ENQ``, the iCharge look-up, and a re-send
with the same key only where the gateway refuses duplicates). The answer is booked through
the state gate: approved, declined (closed as not charged), or still unknown, in which case
the next check is scheduled with a growing back-off (:data:`BACKOFF`).

The same sweep runs every ``SPLYNX_RECONCILE_SECONDS`` in ``splynx serve`` and
``splynx worker`` (:func:`watch`), from the Debian timer ``splynx-reconcile.timer`` and by
hand with ``splynx payments reconcile``. Two sweeps never check one attempt at once: each
check first claims the attempt by moving its ``next_check_at`` (a compare-and-set).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from core.models import utcnow
from core.payments import PaymentOutcome, PaymentStatus

from ..models import ChargeBatch, PaymentAttempt
from ..models.gateway import OPEN
from .payments import PaymentService
from .periodic import Periodic

log = logging.getLogger(__name__)

#: wait before the next check of an attempt that is still open after its n-th check
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=6))
#: how long a claimed check may take before another sweep may take the attempt over
CLAIM = timedelta(minutes=5)
UNFINISHED_BATCH = ("queued", "running")


def backoff(checks: int) -> timedelta:
    """The wait after the ``checks``-th check that left an attempt open."""
    return BACKOFF[min(max(checks, 1), len(BACKOFF)) - 1]


@dataclass(frozen=True)
class Check:
    """One attempt asked about: its outcome, and when it will be asked again if still open."""

    attempt_id: int
    key: str
    outcome: PaymentOutcome
    next_check_at: datetime | None

    @property
    def settled(self) -> bool:
        return self.outcome.status.value not in OPEN


@dataclass
class Sweep:
    """What one sweep did."""

    checks: list[Check] = field(default_factory=list)

    @property
    def settled(self) -> list[Check]:
        return [c for c in self.checks if c.settled]

    @property
    def still_open(self) -> list[Check]:
        return [c for c in self.checks if not c.settled]

    def describe(self) -> str:
        counts: dict[str, int] = {}
        for check in self.checks:
            counts[check.outcome.status.value] = counts.get(check.outcome.status.value, 0) + 1
        detail = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        return f"{len(self.checks)} attempt(s) checked" + (f": {detail}" if detail else "")


class Reconciler:
    """Finds due attempts and settles them through :class:`PaymentService`."""

    def __init__(self, payments: PaymentService, lease_seconds: int) -> None:
        self.payments = payments
        self.db = payments.db
        self.lease = timedelta(seconds=lease_seconds)

    def _due_clause(self, now: datetime):
        batch_running = select(ChargeBatch.id).where(ChargeBatch.id == PaymentAttempt.batch_id,
                                                     ChargeBatch.status.in_(UNFINISHED_BATCH)).exists()
        return and_(
            or_(PaymentAttempt.status == PaymentStatus.UNKNOWN.value,
                and_(PaymentAttempt.status == PaymentStatus.PENDING.value,
                     PaymentAttempt.updated_at < now - self.lease)),
            or_(PaymentAttempt.next_check_at.is_(None), PaymentAttempt.next_check_at <= now),
            ~batch_running,
        )

    def due(self, gateway: str | None = None) -> list[int]:
        """Ids of the attempts a sweep would check now, oldest first."""
        now = utcnow()
        query = select(PaymentAttempt.id).where(self._due_clause(now)).order_by(PaymentAttempt.id)
        if gateway:
            query = query.where(PaymentAttempt.gateway == gateway)
        with self.db.reading() as session:
            return list(session.execute(query).scalars())

    def sweep(self, gateway: str | None = None) -> Sweep:
        """Check every due attempt (of one gateway) once."""
        done = Sweep()
        for attempt_id in self.due(gateway):
            check = self.check(attempt_id)
            if check is not None:
                done.checks.append(check)
        if done.checks:
            log.info("payment reconciler: %s", done.describe())
        return done

    def check(self, attempt_id: int, *, now_please: bool = False) -> Check | None:
        """Ask the gateway about one open attempt; ``None`` if it is settled or another sweep has it.

        ``now_please`` (an administrator's *Check now*) ignores the back-off and any claim: a
        check that overlaps a sweep's is safe, as the hook answers per key and never pays twice.
        """
        now = utcnow()
        claimable = PaymentAttempt.status.in_(OPEN)
        if not now_please:
            claimable &= or_(PaymentAttempt.next_check_at.is_(None), PaymentAttempt.next_check_at <= now)
        with self.db.transaction() as session:
            claimed = session.execute(update(PaymentAttempt).where(PaymentAttempt.id == attempt_id, claimable)
                                      .values(last_checked_at=now, next_check_at=now + CLAIM)
                                      .execution_options(synchronize_session=False)).rowcount
            key = session.execute(select(PaymentAttempt.key).where(PaymentAttempt.id == attempt_id)).scalar_one()
        if not claimed:
            return None
        try:
            outcome = self.payments.reconcile(attempt_id)
        except Exception as exc:  # noqa: BLE001 - an add-on failing to answer leaves the attempt open
            log.exception("reconciling payment attempt %s failed", key)
            outcome = PaymentOutcome(attempt_id, PaymentStatus.UNKNOWN, f"The check failed: {type(exc).__name__}")
        with self.db.transaction() as session:
            attempt = session.get(PaymentAttempt, attempt_id)
            attempt.checks += 1
            attempt.next_check_at = now + backoff(attempt.checks) if attempt.status in OPEN else None
            return Check(attempt_id, key, outcome, attempt.next_check_at)


def watch(host) -> Periodic:
    """The reconciler's thread in ``splynx serve`` and ``splynx worker`` (not started)."""
    return Periodic("payment-reconciler", host.config.reconcile_seconds, host.reconciler.sweep)
