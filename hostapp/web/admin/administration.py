"""Administration: partners, locations, administrators and the audit log."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.web import current_host
from ...models import Admin, AuditEntry, Location, Partner
from ...services.audit import record
from ..auth import hash_password
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
def partners():
    return _named_list("partners")


@bp.route("/administration/locations", methods=["GET", "POST"])
def locations():
    return _named_list("locations")


@bp.route("/administration/administrators", methods=["GET", "POST"])
def admins():
    db = current_host().db.session
    errors = {}
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip() for k in ("login", "name", "email", "password", "partner_id")}
        if not form["login"] or len(form["login"]) > 64:
            errors["login"] = "Enter a login."
        if not form["name"]:
            errors["name"] = "Enter a name."
        if len(form["password"]) < 8:
            errors["password"] = "Use at least 8 characters."
        if not errors:
            db.add(Admin(login=form["login"], name=form["name"], email=form["email"],
                         password_hash=hash_password(form["password"]),
                         partner_id=int(form["partner_id"]) if form["partner_id"].isdigit() else None,
                         role="manager" if form["partner_id"].isdigit() else "super"))
            try:
                record(db, actor(), "admin.create", form["login"])
                db.commit()
            except IntegrityError:
                db.rollback()
                errors["login"] = "This login is taken."
            else:
                flash(f"Administrator {form['login']} added.", "success")
                return redirect(url_for(".admins"))
    page = paginate(db, select(Admin).order_by(Admin.id), (Admin.login, Admin.name, Admin.email))
    options = [(p.id, p.name) for p in db.execute(select(Partner).order_by(Partner.name)).scalars()]
    return render_template("admin/admins.html", page=page, errors=errors, partner_options=options), \
        422 if errors else 200


@bp.get("/administration/logs/audit")
def audit_log():
    db = current_host().db.session
    page = paginate(db, select(AuditEntry).order_by(AuditEntry.id.desc()),
                    (AuditEntry.actor, AuditEntry.action, AuditEntry.target))
    return render_template("admin/audit_log.html", page=page)
