"""Modules list → Edit entry points: one "Point config" card per point, with Preview."""

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.entry_points import ROOTS, EntryPointError, Model, Place, Placement, PointType, Size

from core.web import current_host, parse_id, requires
from ...models import Customer, EntryPointRecord, Location, Partner, PaymentMethod
from ...services.audit import record
from ...services.entry_points import apply_edit, to_point
from ..auth import current_admin
from . import bp
from .integrations import actor, module_or_404


def _ids(name: str) -> tuple[int, ...]:
    return tuple(i for i in map(parse_id, request.form.getlist(name)) if i is not None)


def _choices():
    db = current_host().db.session
    return {
        "places": [(p.value, "Customer portal" if p is Place.PORTAL else "Administrators portal") for p in Place],
        "types": [(PointType.ACTION_LINK.value, "Link in actions"), (PointType.CODE.value, "Code"),
                  (PointType.MENU_LINK.value, "Menu link"), (PointType.TAB.value, "Tab")],
        "sizes": [(s.value, f"{s.value.replace('_', ' ').capitalize()} ({s.width_px}px)") for s in Size],
        "models": [(m.value, m.value) for m in Model],
        "placements": [(p.value, p.value.replace("_", " ").capitalize()) for p in Placement],
        "roots": ROOTS,
        "partners": [(p.id, p.name) for p in db.execute(select(Partner).order_by(Partner.name)).scalars()],
        "locations": [(loc.id, loc.name) for loc in db.execute(select(Location).order_by(Location.name)).scalars()],
        "payment_types": [(m.id, m.name) for m in db.execute(select(PaymentMethod).order_by(PaymentMethod.id)).scalars()],
    }


@bp.route("/config/integrations/modules/<name>/entry-points", methods=["GET", "POST"])
@requires("config.manage")
def entry_points(name: str):
    module = module_or_404(name)
    db = current_host().db.session
    records = db.execute(select(EntryPointRecord).where(EntryPointRecord.module == module.name)
                         .order_by(EntryPointRecord.id)).scalars().all()
    if request.method == "POST":
        record_ = next((r for r in records if str(r.id) == request.form.get("id")), None) or abort(404)
        # only fields the form sent: a point without a code box keeps its code untouched
        changes = {key: request.form[key] for key in
                   ("place", "type", "size", "model", "root", "placement", "title", "icon", "url", "code")
                   if key in request.form}
        if "model" in changes:
            changes["model"] = changes["model"] or None
        if "code" in changes:  # browsers send text areas with CRLF line ends
            changes["code"] = changes["code"].replace("\r\n", "\n")
        changes.update(partners=_ids("partners"), locations=_ids("locations"), payment_types=_ids("payment_types"),
                       enabled="1" in request.form.getlist("enabled"))
        try:
            changed = apply_edit(record_, changes)
        except EntryPointError as exc:
            db.rollback()
            flash(f"Entry point not saved: {exc}", "error")
        else:
            if changed:
                record(db, actor(), "entry_point.update", f"{module.name}/{record_.name}",
                       {name: _audit_value(getattr(record_, name)) for name in changed})
            db.commit()
            flash(f"Entry point {record_.name} saved" + (f": {', '.join(changed)} changed." if changed
                                                         else "; nothing changed."), "success")
        return redirect(url_for(".entry_points", name=name) + f"#point-{record_.id}")
    return render_template("admin/entry_points.html", module=module, records=records, choices=_choices())


def _audit_value(value) -> str:
    """A changed field as the audit log shows it (code by its size, not its text)."""
    if isinstance(value, str) and "\n" in value:
        return f"{len(value.splitlines())} lines"
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


@bp.get("/config/integrations/modules/<name>/entry-points/<int:point_id>/preview")
@requires("config.manage")
def entry_point_preview(name: str, point_id: int):
    """Render a code point as a customer would see it (the first customer stands in)."""
    module = module_or_404(name)
    host = current_host()
    record_ = host.db.session.get(EntryPointRecord, point_id)
    if record_ is None or record_.module != module.name:
        abort(404)
    sample = host.db.session.execute(select(Customer).order_by(Customer.id).limit(1)).scalar_one_or_none()
    context = {"customer": sample, "admin": current_admin(), "request": request}
    html = host.addons.hooks.render_entry_point(module.addon_id, to_point(record_), context)
    return render_template("admin/entry_point_preview.html", html=html, point=record_, sample=sample)
