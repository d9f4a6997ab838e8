"""Login and logout views shared by the admin UI and the portal (each with its own session key)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.web import current_host
from core.models import utcnow
from .auth import login, logout, safe_next, verify_password


def login_view(model, session_key: str, home_endpoint: str, heading: str, subheading: str):
    if request.method == "POST":
        db = current_host().db.session
        user = db.execute(select(model).where(model.login == request.form.get("login", "").strip())).scalar_one_or_none()
        if user is not None and verify_password(user.password_hash, request.form.get("password", "")):
            login(session_key, user.id)
            if hasattr(user, "last_login"):
                user.last_login = utcnow()
                db.commit()
            return redirect(safe_next(url_for(home_endpoint)))
        flash("Wrong login or password.", "error")
    return render_template("login.html", heading=heading, subheading=subheading)


def logout_view(session_key: str, login_endpoint: str):
    logout(session_key)
    flash("You have been logged out.", "info")
    return redirect(url_for(login_endpoint))
