"""The add-on's pages: admin Finance → Refill cards and the portal's Finance → Refill card.

One blueprint (the host mounts it at ``/refill-cards`` and answers 404 while the module is
disabled). Views named ``portal_*`` need a logged-in customer, every other view an
administrator; pages extend the host's admin and portal layouts.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, request

from core.web import ADMIN, PORTAL, login_gate

from ..models import STATUS_LABELS

bp = Blueprint("refill_cards", __name__, template_folder="../templates", static_folder="../static",
               static_url_path="/static")


@bp.before_request
def _login_gate():
    view = (request.endpoint or "").rpartition(".")[2]
    if view == "static":
        return None
    return login_gate(PORTAL if view.startswith("portal_") else ADMIN)


@bp.context_processor
def _context():
    return {"today": date.today(), "status_labels": STATUS_LABELS}


from . import admin_cards, admin_series, portal  # noqa: E402,F401 - views register themselves on bp
