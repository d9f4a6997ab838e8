"""Config → Integrations → Add-ons: the catalog, the confirm dialog with the plan, package jobs.

A package job starts only from a confirmed form: the modal's *OK, confirm* (JavaScript) or,
without JavaScript, the confirm page the action buttons open (``GET``: the question and the
plan, *OK, confirm* / *Cancel*). Both post ``confirm=1``; a post without it starts nothing and
is sent to the confirm page.

The catalog, the package jobs and the package backends' vocabulary (:mod:`core.packages`) are
imported by the first request to these pages, not when the app is built.
"""

from __future__ import annotations

from flask import abort, flash, get_template_attribute, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from core.identity import AddonIdentity
from core.web import current_host, requires
from ...models import Job
from core.web.tables import paginate_items
from . import bp
from .integrations import actor

REFRESH_QUESTION = "Read the list of add-ons from the package source again?"
QUESTIONS = {
    "install": "Are you sure you want to install {}?",
    "upgrade": "Are you sure you want to update {}?",
    "reinstall": "Are you sure you want to re-install {}?",
    "remove": "Are you sure you want to remove {}?",
    "purge": "Are you sure you want to purge {}? Its tables and settings are deleted.",
}


def filesize(size: int) -> str:
    """Bytes in the units apt prints (kB, MB)."""
    if not size:
        return "—"
    for unit, factor in (("MB", 1000**2), ("kB", 1000)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


@bp.app_template_filter("filesize")
def _filesize(size: int) -> str:
    return filesize(size)


def _checked(package: str, action: str | None = None) -> None:
    from core.packages import ACTIONS, package_problem

    if package_problem(package) or (action is not None and action not in ACTIONS):
        abort(404)


def _package_jobs(limit: int = 5) -> list[Job]:
    from ...services import package_jobs

    return current_host().db.session.execute(
        select(Job).where(Job.kind == package_jobs.KIND).order_by(Job.id.desc()).limit(limit)).scalars().all()


@bp.get("/config/integrations/add-ons")
@requires("config.view")
def addons():
    from ...services import package_jobs
    from ...services.addon_catalog import build_catalog

    host = current_host()
    catalog = build_catalog(host)
    page = paginate_items(catalog.rows, lambda row, q: row.matches(q))
    jobs = _package_jobs()
    active = next((job for job in jobs if not job.finished), None)
    return render_template("admin/addons.html", page=page, source_error=catalog.source_error, jobs=jobs,
                           active=active, backend=host.packages, questions=QUESTIONS, verbs=package_jobs.VERBS,
                           refresh_question=REFRESH_QUESTION)


@bp.get("/config/integrations/add-ons/<package>/plan/<action>")
@requires("config.manage")
def addon_plan(package: str, action: str):
    """The dry run shown in the confirm dialog (an HTML fragment)."""
    from core.packages import PackageError

    from ...services import package_jobs

    _checked(package, action)
    try:
        plan = package_jobs.plan(current_host(), action, package)
    except PackageError as exc:
        return render_template("admin/addon_plan.html", plan=None, error=str(exc))
    return render_template("admin/addon_plan.html", plan=plan, error="")


def _started(job_id: int, message: str):
    if request.headers.get("X-Requested-With") == "fetch":
        job_panel = get_template_attribute("macros/ui.html", "job_panel")
        status_url = url_for(".job_json", job_id=job_id)
        return jsonify(job_id=job_id, status_url=status_url, job_url=url_for(".job_page", job_id=job_id),
                       panel=str(job_panel(status_url, message)))
    flash(f"{message}: the job is queued; its progress is shown below.", "info")
    return redirect(url_for(".addons"))


def _confirmed() -> bool:
    """Whether the posted form is the confirmed one (the modal's or the confirm page's *OK, confirm*)."""
    return request.form.get("confirm") == "1"


@bp.get("/config/integrations/add-ons/<package>/<action>")
@requires("config.manage")
def addon_confirm(package: str, action: str):
    """The confirm page of an install, update, re-install, remove or purge (the dialog without JavaScript)."""
    from core.packages import PackageError

    from ...services import package_jobs

    _checked(package, action)
    try:
        plan, error = package_jobs.plan(current_host(), action, package), ""
    except PackageError as exc:
        plan, error = None, str(exc)
    return render_template("admin/addon_confirm.html", title=f"{package_jobs.VERBS[action]} {package}",
                           question=QUESTIONS[action].format(package), plan=plan, error=error, with_plan=True,
                           post_url=url_for(".addon_action", package=package, action=action))


@bp.post("/config/integrations/add-ons/<package>/<action>")
@requires("config.manage")
def addon_action(package: str, action: str):
    """Queue an install, update, re-install, remove or purge job (confirmed forms only)."""
    from ...services import package_jobs

    _checked(package, action)
    if not _confirmed():
        return redirect(url_for(".addon_confirm", package=package, action=action), 303)
    job_id = package_jobs.submit(current_host(), action, package, actor())
    return _started(job_id, f"{package_jobs.VERBS[action]} {package}")


@bp.get("/config/integrations/add-ons/refresh")
@requires("config.manage")
def addons_refresh_confirm():
    """The confirm page of "Update (apt)" without JavaScript."""
    return render_template("admin/addon_confirm.html", title=current_host().packages.refresh_label,
                           question=REFRESH_QUESTION, plan=None, error="", with_plan=False,
                           post_url=url_for(".addons_refresh"))


@bp.post("/config/integrations/add-ons/refresh")
@requires("config.manage")
def addons_refresh():
    """The "Update (apt)" button: re-read the package index (confirmed forms only)."""
    from ...services import package_jobs

    if not _confirmed():
        return redirect(url_for(".addons_refresh_confirm"), 303)
    host = current_host()
    return _started(package_jobs.submit_refresh(host, actor()), host.packages.refresh_label)


@bp.get("/config/integrations/add-ons/<package>/info")
@requires("config.view")
def addon_info(package: str):
    """Package details, shown in a modal."""
    from ...services import package_jobs
    from ...services.addon_catalog import build_catalog

    _checked(package)
    host = current_host()
    row = next((r for r in build_catalog(host).rows if r.package == package), None) or abort(404)
    identity = AddonIdentity(row.addon_id)
    loaded = host.addons.loaded.get(row.addon_id)
    return render_template("admin/addon_info.html", row=row, identity=identity, loaded=loaded,
                           tables=package_jobs.addon_tables(host, row.addon_id))
