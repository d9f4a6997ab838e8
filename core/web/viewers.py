"""Who is looking at an add-on's page: the host, the logged-in admin or customer, and guards.

Views run inside the host's Flask app, which holds the running host and its login
sessions. These functions read them, so add-on views stay free of ``hostapp``::

    from core.web import admin_required, current_admin, current_host, scope_customers

    @bp.get("/admin/report")
    @admin_required("finance.view")
    def report():
        host = current_host()
        rows = scope_customers(select(Invoice), Invoice.customer_id)
        ...

An administrator may be limited to some partners (a Manager): every admin query an add-on
makes goes through :func:`scope_partners` or :func:`scope_customers`, and a single record
through :func:`admin_sees_partner`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from flask import abort, current_app, request
from sqlalchemy import Select, select

from ..host import Host
from ..models import host_record
from .inputs import id_or_404
from .permissions import declared_permission, requires

#: the key of the running host in ``app.extensions``
HOST_KEY = "splynx"
#: the key of the host's :class:`Viewers` in ``app.extensions``
VIEWERS_KEY = "splynx.viewers"

ADMIN = "admin"
PORTAL = "portal"


class Viewers(Protocol):
    """The host's logins, as the web app provides them (admin and customer logins are separate)."""

    def admin(self) -> Any:
        """The logged-in administrator (``Admin`` record) or ``None``."""

    def customer(self) -> Any:
        """The logged-in customer (``Customer`` record) or ``None``."""

    def login_gate(self, place: str, permission: str | None) -> Any:
        """``None`` when someone may see ``place`` (``"admin"`` or ``"portal"``), else the answer
        that sends them to log in (a redirect for pages, 401 for XHR and POST), or 403 when the
        administrator's role lacks ``permission`` (``None``: only super administrators pass)."""

    def partner_ids(self) -> frozenset[int] | None:
        """The partners the logged-in administrator is limited to, or ``None`` for all partners."""


def current_host() -> Host:
    """The host of the app serving this request."""
    return current_app.extensions[HOST_KEY]


def _viewers() -> Viewers:
    return current_app.extensions[VIEWERS_KEY]


def current_admin() -> Any:
    """The administrator logged in to the admin UI, or ``None``."""
    return _viewers().admin()


def current_customer() -> Any:
    """The customer logged in to the portal, or ``None``."""
    return _viewers().customer()


def login_gate(place: str) -> Any:
    """``None`` when the viewer may see ``place`` (``"admin"`` or ``"portal"``), else a login answer.

    For a blueprint's ``before_request`` that guards many views at once. In the admin UI it
    also checks the permission the requested view declared with :func:`~core.web.requires`.
    """
    view = current_app.view_functions.get(request.endpoint or "")
    return _viewers().login_gate(place, declared_permission(view))


def admin_required(permission: str) -> Callable[[Callable], Callable]:
    """Wrap an admin view: only a logged-in administrator whose role grants ``permission`` reaches it."""
    if callable(permission):
        raise TypeError('admin_required needs the permission the view declares: @admin_required("finance.view")')

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            return login_gate(ADMIN) or view(*args, **kwargs)
        return requires(permission)(wrapped)
    return decorator


def customer_required(view: Callable) -> Callable:
    """Wrap a portal view: only a logged-in customer reaches it."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        return login_gate(PORTAL) or view(*args, **kwargs)
    return wrapped


def admin_partner_ids() -> frozenset[int] | None:
    """The partners the logged-in administrator may see, or ``None`` for every partner."""
    return _viewers().partner_ids()


def admin_sees_partner(partner_id: int | None) -> bool:
    """Whether the administrator may see a record of ``partner_id`` (``None``: a record of no partner)."""
    allowed = admin_partner_ids()
    return allowed is None or partner_id in allowed


def admin_customer_or_404(customer_id) -> Any:
    """The ``Customer`` named by ``customer_id`` (raw request text or int) if the administrator sees it, else 404."""
    customer = current_host().db.session.get(host_record("Customer"), id_or_404(str(customer_id)))
    if customer is None or not admin_sees_partner(customer.partner_id):
        abort(404)
    return customer


def scope_partners(statement: Select, partner_column) -> Select:
    """``statement`` limited to rows whose ``partner_column`` is one of the administrator's partners."""
    allowed = admin_partner_ids()
    return statement if allowed is None else statement.where(partner_column.in_(sorted(allowed)))


def scope_customers(statement: Select, customer_column) -> Select:
    """``statement`` limited to rows whose ``customer_column`` names a customer of the administrator's partners."""
    allowed = admin_partner_ids()
    if allowed is None:
        return statement
    customer = host_record("Customer")
    return statement.where(customer_column.in_(select(customer.id).where(customer.partner_id.in_(sorted(allowed)))))


def host_page(view: Callable) -> Callable:
    """Mark an add-on view that renders a whole page with the host's admin or portal layout.

    Menu links to such a page open it in place; other menu-link URLs open inside the
    host's add-on frame.
    """
    view.splynx_host_page = True
    return view
