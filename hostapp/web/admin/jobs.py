"""Job status as JSON for progress panels (installs, exports, charge batches)."""

from flask import abort, jsonify, render_template

from core.web import current_host, requires
from ...services.jobs import job_status
from . import bp


@bp.get("/jobs/<int:job_id>.json")
@requires("jobs.view")
def job_json(job_id: int):
    status = job_status(current_host().db, job_id)
    if status is None:
        abort(404)
    return jsonify(status)


@bp.get("/jobs/<int:job_id>")
@requires("jobs.view")
def job_page(job_id: int):
    status = job_status(current_host().db, job_id) or abort(404)
    return render_template("admin/job.html", job=status)
