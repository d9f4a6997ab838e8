"""The Charge dialog's "Auto charge filters" tab: list, add, edit, delete.

A filter is the Charge form without a period plus *when* it fires; ``splynx charge
run-scheduled`` charges what it selects each day without asking (see
:mod:`hostapp.services.charging.auto`). The scheduler acts for every partner, so an
administrator limited to partners sees, saves and deletes only filters that name partners,
all of them theirs. The charging services are imported by the first request that needs them.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.web import admin_partner_ids, admin_sees_partner, ascii_digits, current_host, requires
from ...models import AutoChargeFilter
from ...models.charging import AUTO_WHEN
from ...services.audit import record
from . import bp
from .charge_forms import KINDS, choices, filter_values, kind_arg, param_values, submitted
from .integrations import actor


def _within_admins_partners(filters: dict) -> bool:
    """Whether a filter's selection stays within the administrator's partners (it names only theirs)."""
    partner_ids = filters.get("partner_ids") or []
    return admin_partner_ids() is None or (bool(partner_ids) and all(map(admin_sees_partner, partner_ids)))


def _rule_or_404(rule_id: int) -> AutoChargeFilter:
    rule = current_host().db.session.get(AutoChargeFilter, rule_id)
    if rule is None or not _within_admins_partners(rule.filters):
        abort(404)
    return rule


@bp.get("/finance/charge/auto")
@requires("finance.charge")
def charge_auto_filters():
    from ...services.charging import ChargeFilters

    kind = kind_arg()
    rules = [rule for rule in current_host().db.session.execute(select(AutoChargeFilter).where(
        AutoChargeFilter.target_kind == kind).order_by(AutoChargeFilter.id)).scalars()
        if _within_admins_partners(rule.filters)]
    described = {rule.id: ChargeFilters.from_dict({**rule.filters, "target_kind": kind}).describe() for rule in rules}
    return render_template("admin/charge/auto_list.html", kind=kind, kinds=KINDS, rules=rules, described=described,
                           tab="auto")


def _parse(kind: str) -> tuple[dict, dict]:
    """Validated (columns, errors) of the posted filter form."""
    from ...services.charging import ChargeFilters, FilterError
    from ...services.charging.handlers import find_handler

    errors: dict[str, str] = {}
    columns: dict = {"title": request.form.get("title", "").strip()[:128],
                     "enabled": "1" in request.form.getlist("enabled"), "target_kind": kind}
    schedule = request.form.get("schedule", "")
    if schedule not in AUTO_WHEN:
        errors["schedule"] = "Choose when the filter runs."
    days = request.form.get("days_after_issue", "0").strip() or "0"
    days = int(ascii_digits(days, max_length=3) or -1)
    if schedule == "days_after_issue" and not 1 <= days <= 365:
        errors["days_after_issue"] = "Enter a number of days from 1 to 365."
    columns.update(schedule=schedule, days_after_issue=max(days, 0))
    try:
        filters = ChargeFilters.parse(request.form, target_kind=kind).with_changes(period_from=None, period_to=None)
        handler = find_handler(current_host(), request.form.get("handler", ""))
        columns.update(filters=filters.to_dict(), handler=handler.id,
                       params=handler.parse_params(request.form, resolver=choices()["resolve"]))
        if not _within_admins_partners(columns["filters"]):
            errors["partner_ids"] = "Choose one or more of your partners: the filter charges the partners it names."
    except FilterError as exc:
        errors.update(exc.errors)
    return columns, errors


@bp.route("/finance/charge/auto/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/finance/charge/auto/<int:rule_id>", methods=["GET", "POST"])
@requires("finance.charge")
def charge_auto_edit(rule_id: int | None):
    from ...services.charging import ChargeFilters, ChargeService

    host = current_host()
    db = host.db.session
    rule = _rule_or_404(rule_id) if rule_id else None
    kind = rule.target_kind if rule else kind_arg()
    handlers = ChargeService(host).handlers()
    errors: dict[str, str] = {}
    if request.method == "POST":
        columns, errors = _parse(kind)
        if not errors:
            rule = rule or AutoChargeFilter()
            for key, value in columns.items():
                setattr(rule, key, value)
            db.add(rule)
            db.flush()
            record(db, actor(), "charge.auto_filter_saved", f"charge_auto_filter:{rule.id}",
                   {"handler": rule.handler, "schedule": rule.schedule, "enabled": rule.enabled})
            db.commit()
            flash("Auto charge filter saved.", "success")
            return redirect(url_for(".charge_auto_filters", kind=kind))
        values = submitted()
    elif rule is not None:
        values = {**filter_values(ChargeFilters.from_dict(rule.filters)), **param_values(rule.params),
                  "handler": rule.handler, "title": rule.title, "enabled": "1" if rule.enabled else "",
                  "schedule": rule.schedule, "days_after_issue": rule.days_after_issue}
    else:
        values = {"enabled": "1", "schedule": "on_due_date", "status": "unpaid",
                  "handler": handlers[0].id if handlers else ""}
    return render_template("admin/charge/auto_form.html", kind=kind, kinds=KINDS, rule=rule, values=values,
                           errors=errors, handlers=handlers, schedules=list(AUTO_WHEN.items()), tab="auto",
                           **choices())


@bp.post("/finance/charge/auto/<int:rule_id>/delete")
@requires("finance.charge")
def charge_auto_delete(rule_id: int):
    db = current_host().db.session
    rule = _rule_or_404(rule_id)
    kind = rule.target_kind
    db.delete(rule)
    record(db, actor(), "charge.auto_filter_deleted", f"charge_auto_filter:{rule_id}", {})
    db.commit()
    flash("Auto charge filter deleted.", "success")
    return redirect(url_for(".charge_auto_filters", kind=kind))
