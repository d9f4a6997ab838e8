"""Administration: partners, locations, administrators and the audit log."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.web import current_host, parse_id, requires, scope_partners
from ...models import Admin, AuditEntry, Location, Partner
from ...services.audit import record
from ..auth import demand, hash_password
from ..roles import ROLES
from core.web.tables import paginate
from . import bp
from .integrations import actor

NAMED = {"partners": (Partner, "Partners", "partner"), "locations": (Location, "Locations", "location")}


def _named_list(kind: str):
    """Partners and locations: a name each, listed and added the same way."""
    model, title, noun = NAMED[kind]
    db = current_host().db.session
    errors = {}
    if request.method == "POST":
        demand("administration.manage")
        name = request.form.get("name", "").strip()
        if not name or len(name) > 64:
            errors["name"] = "Enter a name of at most 64 characters."
        else:
            db.add(model(name=name))
            try:
                record(db, actor(), f"{noun}.create", name)
                db.commit()
            except IntegrityError:
                db.rollback()
                errors["name"] = f"A {noun} named {name!r} already exists."
            else:
                flash(f"{noun.capitalize()} {name} added.", "success")
                return redirect(request.path)
    page = paginate(db, select(model).order_by(model.id), (model.name,))
    return render_template("admin/named_list.html", page=page, title=title, noun=noun, errors=errors), \
        422 if errors else 200


@bp.route("/administration/partners", methods=["GET", "POST"])
@requires("administration.view")
def partners():
    return _named_list("partners")


@bp.route("/administration/locations", methods=["GET", "POST"])
@requires("administration.view")
def locations():
    return _named_list("locations")


@bp.route("/administration/administrators", methods=["GET", "POST"])
@requires("administration.manage")
def admins():
    db = current_host().db.session
    errors = {}
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip() for k in ("login", "name", "email", "password", "role")}
        partners = _chosen_partners(db)
        if not form["login"] or len(form["login"]) > 64:
            errors["login"] = "Enter a login of at most 64 characters."
        if not form["name"] or len(form["name"]) > 128:
            errors["name"] = "Enter a name of at most 128 characters."
        if len(form["email"]) > 128:
            errors["email"] = "Enter an email address of at most 128 characters."
        if not 8 <= len(form["password"]) <= 256:
            errors["password"] = "Use 8 to 256 characters."
        role = ROLES.get(form["role"])
        if role is None:
            errors["role"] = "Choose a role."
        elif partners is None:
            errors["partner_ids"] = "Choose partners from the list."
        elif role.limited_to_partners != bool(partners):
            errors["partner_ids"] = ("A manager is limited to at least one partner." if role.limited_to_partners
                                     else f"A {role.label.lower()} sees every partner; tick no partner.")
        if not errors:
            db.add(Admin(login=form["login"], name=form["name"], email=form["email"], role=role.key,
                         password_hash=hash_password(form["password"]), partners=partners))
            try:
                record(db, actor(), "admin.create", form["login"],
                       {"role": role.key, "partners": [p.id for p in partners]})
                db.commit()
            except IntegrityError:
                db.rollback()
                errors["login"] = "This login is taken."
            else:
                flash(f"Administrator {form['login']} added.", "success")
                return redirect(url_for(".admins"))
    page = paginate(db, select(Admin).order_by(Admin.id), (Admin.login, Admin.name, Admin.email))
    options = [(p.id, p.name) for p in db.execute(select(Partner).order_by(Partner.name)).scalars()]
    return render_template("admin/admins.html", page=page, errors=errors, partner_options=options,
                           roles=[(r.key, r.label) for r in ROLES.values()]), 422 if errors else 200


def _chosen_partners(db) -> list[Partner] | None:
    """The partners ticked in the form, or ``None`` when one of them is not a partner."""
    ids = [parse_id(v) for v in request.form.getlist("partner_ids")]
    if None in ids:
        return None
    found = db.execute(select(Partner).where(Partner.id.in_(ids))).scalars().all() if ids else []
    return found if len(found) == len(set(ids)) else None


@bp.get("/administration/logs/audit")
@requires("administration.view")
def audit_log():
    db = current_host().db.session
    page = paginate(db, scope_partners(select(AuditEntry).order_by(AuditEntry.id.desc()), AuditEntry.partner_id),
                    (AuditEntry.actor, AuditEntry.action, AuditEntry.target))
    return render_template("admin/audit_log.html", page=page)
