"""Who is logged in, what their role lets them do, and where a login may send them next."""

from __future__ import annotations

import re

from flask import abort, request, url_for, redirect

from core.web import ADMIN, current_host

from ..models import Admin, Customer
from ..services.audit import record
from .roles import role_of
from .sessions import ADMIN_KEY, CUSTOMER_KEY, hash_password, user_of, verify_password

__all__ = ["ADMIN_KEY", "CUSTOMER_KEY", "SessionViewers", "current_admin", "current_customer", "demand",
           "hash_password", "partner_ids", "safe_next", "verify_password"]

#: a ``next`` target: one absolute path of this app, nothing a browser could read as another host
_LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*")


def current_admin() -> Admin | None:
    """The administrator logged in to the admin UI, or ``None``."""
    return user_of(ADMIN_KEY, Admin)


def current_customer() -> Customer | None:
    """The customer logged in to the portal, or ``None``."""
    return user_of(CUSTOMER_KEY, Customer)


def partner_ids(admin: Admin | None) -> frozenset[int] | None:
    """The partners ``admin`` is limited to (a Manager's), or ``None`` for all."""
    if admin is None or not role_of(admin).limited_to_partners:
        return None
    return frozenset(p.id for p in admin.partners)


class SessionViewers:
    """The host's logins as :class:`core.web.Viewers`: separate admin and customer sessions, roles."""

    def admin(self) -> Admin | None:
        return current_admin()

    def customer(self) -> Customer | None:
        return current_customer()

    def partner_ids(self) -> frozenset[int] | None:
        return partner_ids(current_admin())

    def login_gate(self, place: str, permission: str | None):
        """``None`` when the viewer may go on; a login redirect (401 for XHR/POST) or 403 otherwise."""
        viewer = self.admin() if place == ADMIN else self.customer()
        if viewer is None:
            if request.method == "GET" and not request.headers.get("X-Requested-With"):
                return redirect(url_for(f"{place}.login", next=request.full_path.rstrip("?")))
            abort(401)
        if place == ADMIN:
            demand(permission, viewer)
        return None


def demand(permission: str | None, admin: Admin | None = None) -> None:
    """Go on when the administrator's role grants ``permission``; else audit the refusal and answer 403."""
    admin = admin or current_admin()
    if admin is not None and role_of(admin).allows(permission):
        return
    db = current_host().db.session
    record(db, f"admin:{admin.login}" if admin else "anonymous", "permission.refused", request.path[:128],
           {"permission": permission, "role": admin.role if admin else None, "method": request.method})
    db.commit()
    abort(403)


def safe_next(default: str) -> str:
    """The ``next`` target if it is a path of this app, else ``default`` (no open redirects).

    Refused: ``//host`` and ``/\\host`` (read as another host), any scheme, and control
    characters (browsers drop tabs and newlines, turning ``/\\t/host`` into ``//host``).
    """
    target = request.values.get("next", "")
    return target if len(target) <= 512 and _LOCAL_PATH.fullmatch(target) else default
