"""The add-on's pages, mounted by the host at ``/ippay``.

* portal (logged-in customer): payment credentials, pay modals, the balance refill page;
* admin: pay with the customer's saved credentials, the customer's IPpay tab and refunds;
* direct payment links (no login).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint

from hostapp.web.auth import current_admin, current_customer

bp = Blueprint("ippay", __name__, template_folder="../templates", static_folder="../static",
               static_url_path="/static")


@bp.context_processor
def _layout_context():
    """What the host's portal and admin layouts expect, plus the card expiry years."""
    this_year = date.today().year
    return {"current_customer": current_customer(), "current_admin": current_admin(),
            "ippay_years": range(this_year, this_year + 12)}


from . import admin, direct, portal  # noqa: E402,F401 - the views register themselves on bp
