"""The add-on's pages, mounted by the host at ``/ippay``.

* portal (logged-in customer): payment credentials, pay modals, the balance refill page;
* admin: pay with the customer's saved credentials, the customer's IPpay tab and refunds;
* direct payment links (no login).

The page logic every gateway shares lives in :mod:`core.gateway.pages`
(:data:`.paying.PAGES`); the views here only pick templates and wording.
"""

from __future__ import annotations

from flask import Blueprint

from core.gateway.pages import SUCCESS, card_years

bp = Blueprint("ippay", __name__, template_folder="../templates", static_folder="../static",
               static_url_path="/static")


@bp.context_processor
def _layout_context():
    """Card expiry years and the success text (the host adds who is logged in)."""
    return {"card_years": card_years(), "success": SUCCESS}


from . import admin, direct, portal  # noqa: E402,F401 - the views register themselves on bp
