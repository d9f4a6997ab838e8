"""Separate admin and customer logins kept in the signed Flask session."""

from __future__ import annotations

from flask import abort, g, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from core.web import ADMIN, current_host

from ..models import Admin, Customer

ADMIN_KEY = "splynx_admin_id"
CUSTOMER_KEY = "splynx_customer_id"


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    return check_password_hash(stored_hash, password)


def login(key: str, user_id: int) -> None:
    session.pop(key, None)
    session[key] = user_id
    session.permanent = True


def logout(key: str) -> None:
    session.pop(key, None)


def current_admin() -> Admin | None:
    if "admin" not in g:
        admin_id = session.get(ADMIN_KEY)
        g.admin = current_host().db.session.get(Admin, admin_id) if admin_id else None
    return g.admin


def current_customer() -> Customer | None:
    if "customer" not in g:
        customer_id = session.get(CUSTOMER_KEY)
        g.customer = current_host().db.session.get(Customer, customer_id) if customer_id else None
    return g.customer


class SessionViewers:
    """The host's logins as :class:`core.web.Viewers`: separate admin and customer sessions."""

    def admin(self) -> Admin | None:
        return current_admin()

    def customer(self) -> Customer | None:
        return current_customer()

    def login_gate(self, place: str):
        """``None`` when someone is logged in to ``place``, else a redirect to its login page (401 for XHR/POST)."""
        viewer = self.admin() if place == ADMIN else self.customer()
        if viewer is not None:
            return None
        if request.method == "GET" and not request.headers.get("X-Requested-With"):
            return redirect(url_for(f"{place}.login", next=request.full_path.rstrip("?")))
        abort(401)


def safe_next(default: str) -> str:
    """The ``next`` target if it is a local path, else ``default`` (no open redirects)."""
    target = request.values.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default
