"""Config → Main → Portal: per-partner portal settings (payment methods, dashboard tiles)."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.web import current_host, parse_id, requires
from ...models import Partner
from ...services.portal_settings import SETTINGS_ID
from ...services.settings_store import DEFAULT_PARTNER, SettingsStore, host_choices
from . import bp
from .integrations import actor
from .module_settings import submitted_settings


@bp.route("/config/main/portal", methods=["GET", "POST"])
@requires("config.manage")
def portal_config():
    host = current_host()
    db = host.db.session
    schema = host.portal.schema()
    store = SettingsStore(db, host.box)
    partners = db.execute(select(Partner).order_by(Partner.name)).scalars().all()
    partner_id = parse_id(request.values.get("partner")) or DEFAULT_PARTNER
    if partner_id and partner_id not in {p.id for p in partners}:
        partner_id = DEFAULT_PARTNER
    errors: dict[str, str] = {}
    if request.method == "POST" and request.form.get("form") == "reset" and partner_id:
        store.reset_partner(SETTINGS_ID, partner_id, actor=actor())
        db.commit()
        flash("The partner's portal settings follow the Default partner again.", "success")
        return redirect(url_for(".portal_config", partner=partner_id))
    if request.method == "POST":
        # a multi-select with nothing chosen sends nothing: every field of the form counts
        raw = {f.key: [] for f in schema.fields()} | submitted_settings(schema)
        result = store.validate(SETTINGS_ID, schema, raw, partner_id)
        if result.ok:
            values = result.values
            if partner_id:  # what equals the Default partner's value keeps following it
                inherited = store.values(SETTINGS_ID, schema)
                same = {k for k, v in values.items() if sorted(v) == sorted(inherited.get(k) or [])}
                store.forget(SETTINGS_ID, partner_id, same, actor=actor())
                values = {k: v for k, v in values.items() if k not in same}
            store.save(SETTINGS_ID, schema, values, actor=actor(), partner_id=partner_id)
            db.commit()
            flash("Portal settings saved" + (f" for {_partner_name(partners, partner_id)}." if partner_id
                                             else " for the Default partner."), "success")
            return redirect(url_for(".portal_config", partner=partner_id or None))
        errors = result.errors
        flash("Portal settings were not saved: correct the fields marked in red.", "error")
    return render_template("admin/portal_config.html", sections=schema.sections,
                           values=store.values(SETTINGS_ID, schema, partner_id or None), errors=errors,
                           partners=partners, partner_id=partner_id, resolve=host_choices(db),
                           overridden=store.overridden_keys(SETTINGS_ID, partner_id))


def _partner_name(partners, partner_id: int) -> str:
    return next((p.name for p in partners if p.id == partner_id), "the partner")
