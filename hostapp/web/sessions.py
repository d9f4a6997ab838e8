"""Server-side revocable logins: the admin and the customer login, each its own entry in the cookie.

The signed Flask cookie holds, per login, the user's id, a copy of the user's
``session_token`` and when the login started and was last used. The token changes on every
login, logout and password change, so a cookie copied before any of them stops working
at once: the server compares it with the row on every request. A login also ends
``SPLYNX_SESSION_HOURS`` after it started and ``SPLYNX_SESSION_IDLE_MINUTES`` after its last
request.

Flask-Login is not used: it keeps one user per session, while Splynx keeps the admin and
the customer identities apart and both may be logged in in one browser; the token check
it would need is the same few lines either way.
"""

from __future__ import annotations

import hmac
import secrets
import time
from functools import cache

from flask import g, request, session
from sqlalchemy import bindparam, select
from werkzeug.security import check_password_hash, generate_password_hash

from core.web import current_host

from ..services.config_cache import GENERATION_COLUMN, remember_generation

#: how often a login's last use is written to its cookie, in seconds: a busy user's cookie is not
#: signed and sent again on every request, and an idle login ends at most this much early
SEEN_STEP = 60

#: what ``g`` holds under a login's key before this request looked the user up
_UNKNOWN = object()

ADMIN_KEY = "splynx_admin"
CUSTOMER_KEY = "splynx_customer"

@cache
def _decoy_hash() -> str:
    """A hash checked when the login names nobody, so an unknown login costs what a known one does
    (made at the first such login, not at start-up: scrypt takes a while)."""
    return generate_password_hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The stored form of a password (scrypt, salted)."""
    return generate_password_hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no stored hash the same work is done and the answer is no."""
    matches = check_password_hash(stored_hash or _decoy_hash(), password)
    return matches and stored_hash is not None


def rotate_token(user) -> None:
    """Give ``user`` a new session token: every session holding the old one is over."""
    user.session_token = secrets.token_urlsafe(32)


def start(key: str, user) -> None:
    """Log ``user`` in under ``key`` (the caller commits the new token)."""
    rotate_token(user)
    now = int(time.time())
    session[key] = {"id": user.id, "token": user.session_token, "at": now, "seen": now}
    session.permanent = True
    g.pop(key, None)


def end(key: str, user) -> None:
    """Log out of ``key``; ``user`` (when known) gets a new token so copies of the cookie die too."""
    session.pop(key, None)
    g.pop(key, None)
    if user is not None:
        rotate_token(user)


def _lifetime_over(entry: dict, now: float) -> bool:
    config = current_host().config
    return (now - entry.get("at", 0) > config.session_hours * 3600
            or now - entry.get("seen", 0) > config.session_idle_minutes * 60)


#: (model, endpoint) -> columns read with the logged-in ``model`` row on that endpoint's requests
_READ_WITH_USER: dict[tuple[type, str], tuple] = {}


def read_with_user(model, endpoint: str, *columns) -> None:
    """Have requests to ``endpoint`` read ``columns`` (expressions over ``model``'s row, such as
    correlated scalar subqueries) in the query that loads the logged-in ``model`` user, so the
    view needs no query of its own for them; it takes them from :func:`read_for_user`."""
    _READ_WITH_USER[(model, endpoint)] = columns
    _user_query.cache_clear()  # a statement built before now must not miss the new columns


def read_for_user(key: str) -> tuple:
    """The columns :func:`read_with_user` named for this request's endpoint, as read with the user
    logged in under ``key`` (after :func:`user_of` found that user)."""
    return getattr(g, f"{key}.read")


@cache
def _user_query(model, endpoint: str | None):
    """A ``model`` row by id with the configuration generation and the columns ``endpoint`` reads
    with it (built once per model and endpoint)."""
    columns = _READ_WITH_USER.get((model, endpoint), ())
    return select(model, GENERATION_COLUMN, *columns).where(model.id == bindparam("user_id"))


def _load(model, user_id: int):
    """The ``model`` row ``user_id`` with the configuration generation and what this endpoint reads
    with the user (one query per request), or ``None``."""
    session = current_host().db.session
    endpoint = request.endpoint if (model, request.endpoint) in _READ_WITH_USER else None
    row = session.execute(_user_query(model, endpoint), {"user_id": user_id}).first()
    if row is not None:
        remember_generation(session, row[1])
    return row


def user_of(key: str, model):
    """The user logged in under ``key`` (a ``model`` row), or ``None``: unknown, revoked or timed out."""
    known = g.get(key, _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    entry = session.get(key)
    user = None
    if isinstance(entry, dict) and isinstance(entry.get("id"), int) and isinstance(entry.get("token"), str):
        now = time.time()
        row = _load(model, entry["id"])
        if (row is not None and row[0].session_token
                and hmac.compare_digest(row[0].session_token.encode(), entry["token"].encode())
                and not _lifetime_over(entry, now)):
            user = row[0]
            setattr(g, f"{key}.read", tuple(row[2:]))
            if now - entry.get("seen", 0) >= SEEN_STEP:
                session[key] = {**entry, "seen": int(now)}
    if user is None and key in session:
        session.pop(key)
    setattr(g, key, user)
    return user
