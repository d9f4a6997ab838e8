"""The add-on's pages, mounted by the host at ``/icharge``.

* portal (logged-in customer): saved cards (Finance), pay modals with "save this card for
  future payments", the balance refill page at ``/icharge/``;
* admin: pay with the customer's saved card, the customer's iCharge tab;
* direct payment links (no login).

The page logic every gateway shares lives in :mod:`core.gateway.pages`
(:data:`.paying.PAGES`); the views here only pick templates and wording.
"""

from __future__ import annotations

from flask import Blueprint

from core.gateway.pages import SUCCESS, card_years

bp = Blueprint("icharge", __name__, template_folder="../templates", static_folder="../static",
               static_url_path="/static")


@bp.context_processor
def _layout_context():
    """Card expiry years and the success text (the host adds who is logged in)."""
    return {"card_years": card_years(), "success": SUCCESS}


from . import admin, direct, portal  # noqa: E402,F401 - the views register themselves on bp
