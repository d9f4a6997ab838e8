"""The customer portal blueprint; every view but the login page needs a logged-in customer."""

from flask import Blueprint, request

from core.web import PORTAL, login_gate

bp = Blueprint("portal", __name__)

PUBLIC_ENDPOINTS = {"portal.login"}


@bp.before_request
def _require_customer():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return login_gate(PORTAL)


from . import addon_page, dashboard, finance, profile, session_views  # noqa: E402,F401
