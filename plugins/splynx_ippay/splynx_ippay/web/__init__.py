"""The add-on's pages, mounted by the host at ``/ippay``.

* portal (logged-in customer): payment credentials, pay modals, the balance refill page;
* admin: pay with the customer's saved credentials, the customer's IPpay tab and refunds;
* direct payment links (no login).

The page logic every gateway shares lives in :mod:`hostapp.web.gateway_pages`
(:data:`.paying.PAGES`); the views here only pick templates and wording.
"""

from __future__ import annotations

from flask import Blueprint

from hostapp.web.auth import current_admin, current_customer
from hostapp.web.gateway_pages import SUCCESS, card_years

bp = Blueprint("ippay", __name__, template_folder="../templates", static_folder="../static",
               static_url_path="/static")


@bp.context_processor
def _layout_context():
    """What the host's portal and admin layouts expect, plus card expiry years and the success text."""
    return {"current_customer": current_customer(), "current_admin": current_admin(), "card_years": card_years(),
            "success": SUCCESS}


from . import admin, direct, portal  # noqa: E402,F401 - the views register themselves on bp
