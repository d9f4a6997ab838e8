"""Small helpers the add-on's views share: the acting user, partner choices, safe redirects."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from core import models as records
from core.web import current_admin, current_host


def actor() -> str:
    admin = current_admin()
    return f"admin:{admin.login}" if admin else "system"


def partner_options() -> list[tuple[str, str]]:
    db = current_host().db.session
    partners = db.execute(select(records.Partner).order_by(records.Partner.name)).scalars()
    return [("", "Any")] + [(str(p.id), p.name) for p in partners]


def get_or_404(model, id_):
    return current_host().db.session.get(model, id_) or abort(404)
