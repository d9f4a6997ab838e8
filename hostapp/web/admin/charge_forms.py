"""What the Charge dialog and the auto-charge filter form share: choices, form values, the filter fields.

Like the pages using them, these import the charging services when first called.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from flask import request
from sqlalchemy import select

from core.web import current_host, scope_partners
from ...models import Location, Partner, PaymentMethod
from ...services.settings_store import host_choices

if TYPE_CHECKING:
    from ...services.charging import ChargeFilters

KINDS = {"invoice": "Invoices", "proforma": "Proforma invoices"}
MULTI_FIELDS = ("partner_ids", "location_ids", "payment_method_ids")


def kind_arg() -> str:
    kind = request.values.get("kind", "invoice")
    return kind if kind in KINDS else "invoice"


def choices() -> dict:
    """Options of the filter selects."""
    from ...services.charging import STATUSES

    db = current_host().db.session

    def pairs(statement):
        return [(str(row.id), row.name) for row in db.execute(statement).scalars()]

    return {"partners": pairs(scope_partners(select(Partner).order_by(Partner.name), Partner.id)),
            "locations": pairs(select(Location).order_by(Location.name)),
            "payment_methods": [(str(m.id), m.name) for m in db.execute(
                select(PaymentMethod).where(PaymentMethod.is_active.is_(True)).order_by(PaymentMethod.id)).scalars()],
            "statuses": list(STATUSES.items()), "resolve": host_choices(db)}


def submitted() -> dict:
    """The posted form as template values (multi-selects as lists)."""
    values = {key: request.form.get(key, "") for key in request.form}
    for key in MULTI_FIELDS:
        values[key] = request.form.getlist(key)
    return values


def filter_values(filters: ChargeFilters) -> dict:
    """A stored selection as form values (auto filter edit, Charge again)."""
    data = filters.to_dict()
    values = {key: ", ".join(str(v) for v in value) if isinstance(value, list) else value
              for key, value in data.items()}
    for key in MULTI_FIELDS:
        values[key] = [str(v) for v in data.get(key, [])]
    return values


def param_values(params: dict) -> dict:
    from ...services.charging.handlers import PARAM_PREFIX

    return {PARAM_PREFIX + key: value for key, value in params.items()}


def month_bounds(today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last
