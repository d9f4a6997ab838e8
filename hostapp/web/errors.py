"""Error pages in the layout of whoever meets them: the admin UI, the portal, or a neutral page.

An admin on an admin page gets the admin layout with its menu, a customer in the portal the
portal's; everybody else (public pay pages, logged-out visitors) a neutral page with the ISP's
name and logo. Inside a modal (``X-Splynx-Modal``) the error is a bare page the modal shows.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from core.web import ADMIN_LAYOUT, BARE_LAYOUT, PORTAL_LAYOUT, PUBLIC_LAYOUT, current_host, in_modal
from .auth import current_admin, current_customer

log = logging.getLogger(__name__)

#: code -> (title, what the visitor may do about it)
MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your role does not allow this page or action."),
    404: ("Page not found", "The page does not exist, or it is not yours to see. Check the address or go back."),
    405: ("Not allowed here", "This address does not take that kind of request."),
    413: ("Too large", "What was sent is larger than this server accepts."),
    500: ("Something went wrong", "The server could not answer. The error was logged; please try again later."),
}


def error_layout() -> str:
    """The layout an error page of this request is shown in."""
    if in_modal():
        return BARE_LAYOUT
    path = request.path
    admin, customer = current_admin(), current_customer()
    if admin is not None and path.startswith("/admin/"):
        return ADMIN_LAYOUT
    if customer is not None and (path.startswith("/portal/") or admin is None):
        return PORTAL_LAYOUT
    if admin is not None and not path.startswith("/portal/"):
        return ADMIN_LAYOUT
    return PUBLIC_LAYOUT


def render_error(code: int, title: str, message: str):
    """The error page for this request, falling back to the neutral page if its layout fails."""
    try:
        return render_template("error.html", layout=error_layout(), code=code, title=title, message=message), code
    except Exception:  # noqa: BLE001 - the layout needs the database; the error page must still show
        log.exception("error page %s in its layout failed; showing the neutral one", code)
        current_host().db.session.rollback()
        return render_template("error.html", layout=PUBLIC_LAYOUT, code=code, title=title, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400 or error.code == 429:
            return error  # redirects pass; 429 has its own page (throttling.py)
        title, message = MESSAGES.get(error.code, (error.name, error.description))
        if error.code == 400 and error.description:
            message = error.description  # e.g. "The CSRF token is missing."
        return render_error(error.code, title, message)

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError):
        current_host().db.session.rollback()
        return render_error(500, *MESSAGES[500])
