"""Wrong refill codes per customer, counted by the host's rate limiter (:mod:`core.web`).

A wrong code counts against the customer; the customer's own card sent again (a double
click, a resent form) does not. The wrong code that reaches *Wrong codes before lockout*
within the *Counting window* locks redeeming for *Lockout, minutes* (Config → Modules →
Refill cards → Redeem protection); while locked, every code, a good one too, is answered
with the host's 429 page naming the wait. The counters live in the host's limiter storage:
the web process's memory, or Redis (``SPLYNX_RATELIMIT_STORAGE_URL``), shared by every web
worker and kept across their restarts. Operators (admin UI, CLI) are not throttled.
"""

from __future__ import annotations

from core.web import TooManyAttempts, check_attempts, clear_attempts, count_attempt

from .settings import VoucherOptions

WRONG_CODES = "refill-code"
LOCKOUT = "refill-lockout"


def limits(options: VoucherOptions) -> tuple[str, str]:
    """The wrong-code limit and the lockout (one lockout per its length) as Flask-Limiter writes limits."""
    return (f"{options.max_failures} per {options.failure_window} minutes",
            f"1 per {options.lockout_minutes} minutes")


def check(options: VoucherOptions, customer_id: int) -> None:
    """Raise :class:`core.web.TooManyAttempts` while the customer is locked out."""
    check_attempts(LOCKOUT, str(customer_id), limits(options)[1])


def wrong_code(options: VoucherOptions, customer_id: int) -> None:
    """Count one wrong code; the one that spends the limit starts the lockout and raises its wait."""
    key, (wrong, lockout) = str(customer_id), limits(options)
    try:
        count_attempt(WRONG_CODES, key, wrong)
        check_attempts(WRONG_CODES, key, wrong)
    except TooManyAttempts:
        try:
            count_attempt(LOCKOUT, key, lockout)  # raises when a concurrent wrong code started it
        finally:
            clear_attempts(WRONG_CODES, key, wrong)  # after the lockout began: no guess slips in between
    check(options, customer_id)  # a concurrent wrong code may have started the lockout since ours was checked


def good_code(options: VoucherOptions, customer_id: int) -> None:
    """A redeemed card ends the guessing: the wrong codes counted so far are forgotten."""
    clear_attempts(WRONG_CODES, str(customer_id), limits(options)[0])
