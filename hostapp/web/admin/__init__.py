"""The admin UI blueprint; every view but the login page needs an administrator."""

from flask import Blueprint, request

from core.web import ADMIN, login_gate

bp = Blueprint("admin", __name__)

PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def _require_admin():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return login_gate(ADMIN)


from . import (  # noqa: E402,F401 - views register themselves on bp
    addon_page,
    addons_catalog,
    administration,
    charge_auto,
    charging,
    company,
    customer_documents,
    customers,
    dashboard,
    entry_point_editor,
    finance,
    integrations,
    jobs,
    mail_config,
    mail_log,
    module_settings,
    payment_attempts,
    portal_config,
    refunds,
    session_views,
)
