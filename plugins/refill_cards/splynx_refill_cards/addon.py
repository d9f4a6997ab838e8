"""The refill cards add-on: manifest and hook implementations.

Admin pages live under ``/refill-cards/admin`` (Finance → Refill cards: Series, Generate,
Statistics), the customer's redeem form under ``/refill-cards/portal/redeem`` (portal
Finance → Refill card, shown for partners whose portal settings list Refill card among
the payment methods).
"""

from __future__ import annotations

from flask import has_app_context

from core import AddonManifest, EntryPoint, ModuleSpec, PaymentResult, PaymentStatus, hookimpl

from . import guard
from .redeem import METHOD, Redemption, RedeemRefused, redeem, redeemed_by_attempt
from .settings import ADDON_ID, SCHEMA, portal_enabled

MANIFEST = AddonManifest(
    id=ADDON_ID, title="Refill cards", requires_host=">=1.0,<2",
    description="Prepaid refill cards: generate series, export CSV/PDF, redeem by admin and customer",
    capabilities=("refill_balance", "admin pages", "portal page", "cli"),
)

REDEEM_POINT = "refill_cards_redeem"


@hookimpl
def splynx_configure_module():
    """The Refill cards module under Finance: voucher options, protection, export and portal settings."""
    return ModuleSpec(title="Refill cards", settings=SCHEMA, payment_methods=(METHOD,), root="finance")


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
def splynx_entry_point_visible(point, context):
    """The portal link shows only to customers of partners with Refill card among the portal methods."""
    customer = context.get("customer")
    if point.name != REDEEM_POINT or customer is None:
        return True
    from hostapp.host import current_host

    return portal_enabled(current_host().db.session, customer.partner_id)


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
def splynx_refill_balance(request):
    """Redeem the refill-card code in ``request.details["code"]`` for ``request.customer_id``.

    Shares :func:`splynx_refill_cards.redeem.redeem` with the admin, portal and CLI paths:
    the card flips to Used and the payment is booked in one transaction, with gateway
    ``refill_cards`` and reference ``card-<id>``. The host's payment service then finds that
    payment by the same reference and links its attempt to it instead of booking again.
    Idempotent per attempt key: a repeated call (reconcile) returns the first outcome.
    The card's price is what is booked; ``request.amount`` is not used.
    """
    if request.source != "refill_card":
        return PaymentResult.declined("Refill cards only redeem refill-card codes.")
    if not has_app_context():
        raise RuntimeError("the refill cards add-on redeems inside the host application")
    from hostapp.host import current_host

    db = current_host().db
    done = redeemed_by_attempt(db, request.attempt_key)
    if done is None:
        code = str((request.details or {}).get("code", ""))
        if not code:
            return PaymentResult.declined("No refill card was redeemed under this attempt.")
        try:
            done = redeem(db, code, request.customer_id, actor=f"attempt:{request.attempt_key}"[:64],
                          attempt_key=request.attempt_key)
        except (RedeemRefused, guard.LockedOut) as exc:
            return PaymentResult.declined(str(exc))
    return _approved(done)


def _approved(done: Redemption) -> PaymentResult:
    return PaymentResult(PaymentStatus.APPROVED, reference=done.reference, amount=done.amount, method=METHOD,
                         message=f"Refill card {done.full_code}")
