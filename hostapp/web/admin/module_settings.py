"""Modules list → Edit: main information and the settings form generated from the add-on's schema."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.settings import FieldType, SettingsSchema

from core.web import current_host, parse_id, requires
from ...models import Partner
from ...services.audit import record
from ...services.settings_store import DEFAULT_PARTNER, SettingsStore, host_choices
from . import bp
from .integrations import actor, module_or_404


def submitted_settings(schema: SettingsSchema) -> dict:
    """Form values of the schema's fields; toggles and multi-selects keep every submitted value."""
    multi = (FieldType.MULTI_SELECT, FieldType.TOGGLE)
    return {f.key: request.form.getlist(f.key) if f.type in multi else request.form.get(f.key)
            for f in schema.fields() if f.type is not FieldType.INFO and f.key in request.form}


def _partner_id() -> int:
    return parse_id(request.values.get("partner")) or DEFAULT_PARTNER


@bp.route("/config/integrations/modules/<name>", methods=["GET", "POST"])
@requires("config.manage")
def module_edit(name: str):
    host = current_host()
    db = host.db.session
    module = module_or_404(name)
    spec = host.addons.hooks.module_spec(module.addon_id) if module.addon_id in host.addons.loaded else None
    store = SettingsStore(db, host.box)
    partner_id = _partner_id()
    errors: dict[str, str] = {}
    submitted: dict = {}
    if request.method == "POST" and request.form.get("form") == "main":
        title = request.form.get("title", "").strip()
        if not title or len(title) > 64:
            errors["title"] = "Enter a title of at most 64 characters."
        else:
            wanted = {"title": title, "portal_entry_points": request.form.get("portal_entry_points") == "1"}
            changed = {k: v for k, v in wanted.items()
                       if v != (module.title if k == "title" else module.portal_entry_points_enabled)}
            module.title, module.portal_entry_points_enabled = wanted["title"], wanted["portal_entry_points"]
            if changed:
                record(db, actor(), "module.update", module.name, changed)
            db.commit()
            flash("Main information saved." if changed else "Main information saved; nothing changed.", "success")
            return redirect(url_for(".module_edit", name=name))
    elif request.method == "POST" and request.form.get("form") == "settings" and spec is not None:
        keys = spec.settings.partner_keys() if partner_id else None
        raw = submitted_settings(spec.settings)
        result = store.validate(module.addon_id, spec.settings, raw, partner_id, keys)
        if result.ok:
            store.save(module.addon_id, spec.settings, result.values, actor=actor(), partner_id=partner_id)
            db.commit()
            flash("Settings saved.", "success")
            return redirect(url_for(".module_edit", name=name, partner=partner_id or None))
        errors = result.errors
        submitted = {f.key: raw[f.key] for f in spec.settings.fields() if not f.is_secret and f.key in raw}
        flash("Settings were not saved: correct the fields marked in red.", "error")
    elif request.method == "POST" and request.form.get("form") == "reset" and partner_id:
        store.reset_partner(module.addon_id, partner_id, actor=actor())
        db.commit()
        flash("Partner settings reset to the defaults.", "success")
        return redirect(url_for(".module_edit", name=name, partner=partner_id))
    values = {}
    if spec is not None:
        values = store.values(module.addon_id, spec.settings, partner_id or None)
        values.update({k: v for k, v in submitted.items() if k in values})
        values.update({f.key: f.info_text() for f in spec.settings.fields() if f.type is FieldType.INFO})
    partners = db.execute(select(Partner).order_by(Partner.name)).scalars().all()
    sections = [s for s in spec.settings.sections if s.per_partner or not partner_id] if spec else []
    return render_template(
        "admin/module_edit.html", module=module, spec=spec, sections=sections, values=values, errors=errors,
        partners=partners, partner_id=partner_id, resolve=host_choices(db),
        secrets=store.stored_secrets(module.addon_id, partner_id),
        overridden=store.overridden_keys(module.addon_id, partner_id),
    ), 422 if errors else 200
