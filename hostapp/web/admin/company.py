"""Config → Main → Company: the ISP's name and logo shown on public pay pages and error pages."""

from flask import flash, redirect, render_template, request, url_for

from core.web import current_host, requires
from ...services.audit import record
from ...services.branding import MAX_LOGO_BYTES, LogoError, fetch_logo
from ..branding_views import store
from .integrations import actor
from . import bp


@bp.get("/config/main/company")
@requires("config.view")
def company():
    return render_template("admin/company.html", brand=store().load(current_host().db.session), errors={},
                           max_kb=MAX_LOGO_BYTES // 1024)


@bp.post("/config/main/company")
@requires("config.manage")
def company_save():
    """Save the name and, when one is given, the new logo (an upload wins over a URL)."""
    session = current_host().db.session
    branding, errors, changed = store(), {}, []
    try:
        name = branding.save_name(session, request.form.get("name", ""))
        changed.append("name")
    except LogoError as exc:
        errors["name"], name = str(exc), request.form.get("name", "")
    upload = request.files.get("logo_file")
    url = request.form.get("logo_url", "").strip()
    try:
        if upload and upload.filename:
            branding.save_logo(session, upload.read(MAX_LOGO_BYTES + 1))
            changed.append("logo")
        elif url:
            branding.save_logo(session, fetch_logo(url))
            changed.append("logo")
        elif request.form.get("remove_logo") == "1":
            branding.remove_logo(session)
            changed.append("logo removed")
    except LogoError as exc:
        errors["logo"] = str(exc)
    if errors:
        session.rollback()
        flash("Nothing was saved: correct the marked fields.", "error")
        brand = branding.load(session)
        return render_template("admin/company.html", brand=brand, form_name=name, form_url=url, errors=errors,
                               max_kb=MAX_LOGO_BYTES // 1024), 422
    record(session, actor(), "company.edited", "company", {"changed": changed})
    session.commit()
    flash(f"Company details saved: {name}.", "success")
    return redirect(url_for(".company"))
