"""The refill cards add-on: manifest and hook implementations.

Admin pages live under ``/refill-cards/admin`` (Finance → Refill cards: Series, Generate,
Statistics), the customer's redeem form under ``/refill-cards/portal/redeem`` (portal
Finance → Refill card, shown for partners whose Config → Main → Portal lists Refill card
among the payment methods: the host hides the portal entry points of switched-off methods).
"""

from __future__ import annotations

from core import AddonManifest, EntryPoint, ModuleSpec, hookimpl

from .redeem import METHOD, use_card
from .settings import ADDON_ID, PORTAL, SCHEMA

MANIFEST = AddonManifest(
    id=ADDON_ID, title="Refill cards", requires_api=">=1.2,<2",
    description="Prepaid refill cards: generate series, export CSV/PDF, redeem by admin and customer",
    capabilities=("refill_balance", "admin pages", "portal page", "cli"),
)

REDEEM_POINT = "refill_cards_redeem"


@hookimpl
def splynx_configure_module():
    """The Refill cards module under Finance: voucher options, protection, export; *Refill card* in the portal."""
    return ModuleSpec(title="Refill cards", settings=SCHEMA, payment_methods=(METHOD,), root="finance",
                      portal_methods=(PORTAL,))


@hookimpl
def splynx_register_entry_points():
    """Admin Finance → Refill cards (Series, Generate, Statistics) and portal Finance → Refill card."""
    admin = [("refill_cards_series", "Refill cards · Series", "fa-ticket", "/refill-cards/admin/series"),
             ("refill_cards_generate", "Refill cards · Generate", "fa-plus", "/refill-cards/admin/generate"),
             ("refill_cards_report", "Refill cards · Statistics", "fa-list", "/refill-cards/admin/report")]
    points = [EntryPoint(name=name, place="admin", type="menu_link", root="finance", title=title, icon=icon,
                         url=url, enabled=True) for name, title, icon, url in admin]
    points.append(EntryPoint(name=REDEEM_POINT, place="portal", type="menu_link", root="finance",
                             title="Refill card", icon="fa-ticket", url="/refill-cards/portal/redeem", enabled=True))
    return points


@hookimpl
def splynx_register_routes():
    """The add-on's admin pages and portal page (one blueprint)."""
    from .web import bp

    return bp


@hookimpl
def splynx_register_commands():
    """``splynx refill-cards generate|export|redeem|report``."""
    from .cli import group

    return group


@hookimpl
def splynx_refill_balance(host, request):
    """Redeem the refill-card code in ``request.details["code"]`` for ``request.customer_id``.

    The host's payment service calls this after it wrote the attempt (from the admin modal,
    the portal form or the CLI, through :func:`splynx_refill_cards.redeem.redeem`). The card
    flips to Used under the attempt key; the host books the card's price under the reference
    ``card-<id>``. Idempotent per attempt key: a repeated call (reconcile) answers the first
    outcome. A card whose price is not ``request.amount`` is declined.
    """
    return use_card(host, request)
