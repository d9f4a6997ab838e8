"""Persisted jobs: progress and log are stored; failures are recorded; lanes serialise."""

import threading
import time

from hostapp.services.jobs import JobRunner, job_status

EVENTS = []
GATE = threading.Event()


def counting_handler(ctx):
    for step in range(1, 5):
        ctx.log(f"step {step}")
        ctx.progress(step * 25)
    return {"steps": 4}


def failing_handler(ctx):
    ctx.log("about to fail")
    raise RuntimeError("disk full")


def lane_handler(ctx):
    EVENTS.append(("start", ctx.params["n"]))
    time.sleep(0.05)
    EVENTS.append(("end", ctx.params["n"]))


def wait_done(db, job_id, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = job_status(db, job_id)
        if status["status"] in ("succeeded", "failed"):
            return status
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not finish: {status}")


def test_job_reports_progress_log_and_result(host):
    job_id = host.jobs.submit("tests.test_jobs:counting_handler", "Count")
    status = wait_done(host.db, job_id)
    assert status["status"] == "succeeded" and status["progress"] == 100
    assert status["log"].splitlines() == ["step 1", "step 2", "step 3", "step 4"]
    assert status["result"] == {"steps": 4}


def test_failed_job_keeps_its_error_and_log(host):
    status = wait_done(host.db, host.jobs.submit("tests.test_jobs:failing_handler", "Fail"))
    assert status["status"] == "failed"
    assert status["error"] == "RuntimeError: disk full"
    assert "about to fail" in status["log"] and "ERROR: RuntimeError: disk full" in status["log"]


def test_jobs_in_one_lane_never_overlap(host):
    EVENTS.clear()
    ids = [host.jobs.submit("tests.test_jobs:lane_handler", f"L{n}", {"n": n}, lane="packages") for n in range(3)]
    for job_id in ids:
        wait_done(host.db, job_id)
    assert EVENTS == [("start", 0), ("end", 0), ("start", 1), ("end", 1), ("start", 2), ("end", 2)]


def test_restart_fails_running_jobs_and_requeues_queued_ones(host):
    from hostapp.models import Job

    with host.db.transaction() as s:
        running = Job(kind="x", title="was running", status="running",
                      params={"handler": "tests.test_jobs:counting_handler"})
        queued = Job(kind="x", title="was queued", params={"handler": "tests.test_jobs:counting_handler"})
        s.add_all([running, queued])
    fresh = JobRunner(host.db)
    assert fresh.recover() == [queued.id]
    assert wait_done(host.db, queued.id)["status"] == "succeeded"
    interrupted = job_status(host.db, running.id)
    assert interrupted["status"] == "failed" and "Interrupted by a restart" in interrupted["error"]
    fresh.shutdown()


def test_job_status_endpoint(admin_client, host):
    job_id = host.jobs.submit("tests.test_jobs:counting_handler", "Count")
    wait_done(host.db, job_id)
    body = admin_client.get(f"/admin/jobs/{job_id}.json").get_json()
    assert body["status"] == "succeeded" and body["progress"] == 100
    assert admin_client.get("/admin/jobs/999999.json").status_code == 404
