"""Config → Integrations: Main modules and the Modules list (the Add-ons catalog is addons_catalog.py)."""

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.web import current_host, requires
from ...models import Module
from ..auth import current_admin
from . import bp


def actor() -> str:
    admin = current_admin()
    return f"admin:{admin.login}" if admin else "system"


def module_or_404(name: str) -> Module:
    module = current_host().db.session.execute(select(Module).where(Module.name == name)).scalar_one_or_none()
    if module is None:
        abort(404)
    return module


@bp.get("/config/integrations/main-modules")
@requires("config.view")
def main_modules():
    modules = current_host().db.session.execute(
        select(Module).where(Module.status != "removed").order_by(Module.root, Module.title)).scalars().all()
    return render_template("admin/main_modules.html", modules=modules)


@bp.get("/config/integrations/modules")
@requires("config.view")
def modules():
    rows = current_host().db.session.execute(
        select(Module).where(Module.status != "removed").order_by(Module.name)).scalars().all()
    return render_template("admin/modules.html", modules=rows)


@bp.post("/config/integrations/modules/<name>/toggle")
@requires("config.manage")
def toggle_module(name: str):
    module = module_or_404(name)
    enable = request.form.get("enabled") == "1"
    try:
        current_host().registry.set_enabled(module.addon_id, enable, actor())
    except ValueError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{module.title} {'enabled' if enable else 'disabled'}.", "success")
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url) else url_for(".modules"))
