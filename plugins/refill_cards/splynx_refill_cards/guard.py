"""Redeem throttling: too many wrong codes from one customer lock redeeming for a while.

The counter lives in the database (one row per customer, locked while it changes), so
it holds across worker processes and restarts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.models import utcnow

from .models import RedeemGuard
from .settings import VoucherOptions


class LockedOut(RuntimeError):
    """The customer typed too many wrong codes; the message says until when."""

    def __init__(self, until: datetime) -> None:
        minutes = max(1, int((until - utcnow()).total_seconds() + 59) // 60)
        super().__init__(f"Too many wrong codes. Redeeming refill cards is locked for your account until "
                         f"{until:%Y-%m-%d %H:%M} UTC (about {minutes} minute{'s' if minutes > 1 else ''}).")
        self.until = until


def _guard(session: Session, customer_id: int) -> RedeemGuard | None:
    return session.execute(select(RedeemGuard).where(RedeemGuard.customer_id == customer_id)
                           .with_for_update()).scalar_one_or_none()


def check(session: Session, customer_id: int) -> None:
    """Raise :class:`LockedOut` while the customer is locked out."""
    guard = session.get(RedeemGuard, customer_id)
    if guard is not None and guard.locked_until is not None and guard.locked_until > utcnow():
        raise LockedOut(guard.locked_until)


def record_failure(session: Session, customer_id: int, options: VoucherOptions) -> datetime | None:
    """Count one wrong code; returns the lockout end when this failure starts a lockout."""
    now = utcnow()
    guard = _guard(session, customer_id)
    if guard is None:
        guard = RedeemGuard(customer_id=customer_id, failures=0, window_started_at=now)
        try:
            with session.begin_nested():
                session.add(guard)
        except IntegrityError:  # a concurrent first failure created the row: count on it
            guard = _guard(session, customer_id)
    if guard.window_started_at < now - timedelta(minutes=options.failure_window):
        guard.failures, guard.window_started_at = 0, now
    guard.failures += 1
    if guard.failures >= options.max_failures:
        guard.failures, guard.window_started_at = 0, now
        guard.locked_until = now + timedelta(minutes=options.lockout_minutes)
        return guard.locked_until
    return None


def record_success(session: Session, customer_id: int) -> None:
    """A good code clears the wrong-code count (a running lockout was checked before)."""
    guard = _guard(session, customer_id)
    if guard is not None:
        guard.failures = 0
