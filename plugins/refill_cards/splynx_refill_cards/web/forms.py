"""Small helpers the add-on's views share: the acting user, partner choices, safe redirects."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from hostapp.host import current_host
from hostapp.models import Partner
from hostapp.web.auth import current_admin


def actor() -> str:
    admin = current_admin()
    return f"admin:{admin.login}" if admin else "system"


def partner_options() -> list[tuple[str, str]]:
    db = current_host().db.session
    return [("", "Any")] + [(str(p.id), p.name) for p in db.execute(select(Partner).order_by(Partner.name)).scalars()]


def get_or_404(model, id_):
    return current_host().db.session.get(model, id_) or abort(404)
