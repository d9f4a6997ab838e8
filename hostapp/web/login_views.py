"""Login and logout views shared by the admin UI and the portal (each with its own login in the cookie).

Failed logins are counted per account and per address; past either limit the form answers
429 with the wait, and the right password does not help until then. A login costs the same
whether or not the account exists (the password hash is checked either way).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.models import utcnow
from core.web import TooManyAttempts, check_attempts, clear_attempts, count_attempt, current_host
from ..services.audit import record
from . import sessions
from .auth import safe_next

#: failed logins allowed per account, and per address, before the form waits
ACCOUNT_LIMIT = "10 per 15 minutes"
ADDRESS_LIMIT = "30 per 15 minutes"


def login_view(model, session_key: str, home_endpoint: str, heading: str, subheading: str):
    """The login form; on success the user gets a fresh session token and lands on ``next`` or home."""
    if request.method == "POST":
        db = current_host().db.session
        login = request.form.get("login", "").strip()[:64]
        who = f"{model.__tablename__[:-1]}:{login}"
        address = request.remote_addr or "-"
        try:
            check_attempts("login-account", who, ACCOUNT_LIMIT)
            check_attempts("login-address", address, ADDRESS_LIMIT)
        except TooManyAttempts as refused:
            record(db, who, "login.throttled", address, {"retry_after": refused.retry_after})
            db.commit()
            raise
        user = db.execute(select(model).where(model.login == login)).scalar_one_or_none() if login else None
        if sessions.verify_password(user.password_hash if user else None, request.form.get("password", "")):
            sessions.start(session_key, user)
            if hasattr(user, "last_login"):
                user.last_login = utcnow()
            record(db, who, "login.success", address)
            db.commit()
            clear_attempts("login-account", who, ACCOUNT_LIMIT)
            return redirect(safe_next(url_for(home_endpoint)))
        _failed(db, who, address)
        flash("Wrong login or password.", "error")
    return render_template("login.html", heading=heading, subheading=subheading)


def _failed(db, who: str, address: str) -> None:
    """Count a failed login; the one that spends a limit locks out, is audited and answered with 429."""
    record(db, who, "login.failed", address)
    db.commit()
    try:
        count_attempt("login-account", who, ACCOUNT_LIMIT)
        count_attempt("login-address", address, ADDRESS_LIMIT)
        check_attempts("login-account", who, ACCOUNT_LIMIT)
        check_attempts("login-address", address, ADDRESS_LIMIT)
    except TooManyAttempts as refused:
        record(db, who, "login.locked", address, {"retry_after": refused.retry_after})
        db.commit()
        raise


def logout_view(session_key: str, model, login_endpoint: str):
    """End the login and revoke its token (a copy of the cookie stops working too)."""
    db = current_host().db.session
    sessions.end(session_key, sessions.user_of(session_key, model))
    db.commit()
    flash("You have been logged out.", "info")
    return redirect(url_for(login_endpoint))
