"""Small helpers the add-on's views share: the acting user, partner choices, records within the admin's partners."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from core import models as records
from core.web import admin_partner_ids, admin_sees_partner, current_admin, current_host, scope_partners

from ..models import Card, Series


def actor() -> str:
    admin = current_admin()
    return f"admin:{admin.login}" if admin else "system"


def partner_options() -> list[tuple[str, str]]:
    """The partners the administrator may choose ("Any" only for one who sees every partner)."""
    db = current_host().db.session
    Partner = records.Partner
    partners = db.execute(scope_partners(select(Partner).order_by(Partner.name), Partner.id)).scalars()
    return ([("", "Any")] if admin_partner_ids() is None else []) + [(str(p.id), p.name) for p in partners]


def get_or_404(model, id_):
    """A record by id, or 404."""
    return current_host().db.session.get(model, id_) or abort(404)


def series_or_404(series_id: int) -> Series:
    """A series of the administrator's partners, or 404."""
    series = get_or_404(Series, series_id)
    if not admin_sees_partner(series.partner_id):
        abort(404)
    return series


def card_or_404(card_id: int) -> Card:
    """A card of a series of the administrator's partners, or 404."""
    card = get_or_404(Card, card_id)
    series_or_404(card.series_id)
    return card
