"""Who is looking at an add-on's page: the host, the logged-in admin or customer, and guards.

Views run inside the host's Flask app, which holds the running host and its login
sessions. These functions read them, so add-on views stay free of ``hostapp``::

    from core.web import admin_required, current_admin, current_host

    @bp.get("/admin/report")
    @admin_required
    def report():
        host = current_host()
        ...
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from flask import current_app

from ..host import Host

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

    def login_gate(self, place: str) -> Any:
        """``None`` when someone may see ``place`` (``"admin"`` or ``"portal"``), else the answer
        that sends them to log in (a redirect for pages, 401 for XHR and POST)."""


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

    For a blueprint's ``before_request`` that guards many views at once.
    """
    return _viewers().login_gate(place)


def _required(place: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            return login_gate(place) or view(*args, **kwargs)
        return wrapped
    return decorator


#: wrap an admin view: only a logged-in administrator reaches it
admin_required = _required(ADMIN)
#: wrap a portal view: only a logged-in customer reaches it
customer_required = _required(PORTAL)


def host_page(view: Callable) -> Callable:
    """Mark an add-on view that renders a whole page with the host's admin or portal layout.

    Menu links to such a page open it in place; other menu-link URLs open inside the
    host's add-on frame.
    """
    view.splynx_host_page = True
    return view
