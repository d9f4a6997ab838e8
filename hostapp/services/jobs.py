"""Persisted background jobs: installs, exports and charge batches with progress and a log.

A job row is written first, then a worker thread runs it. The handler is named by a
``"module:function"`` path (host and add-ons submit their own), receives a
:class:`JobContext` and reports progress and log lines, which are committed as they come,
so a page can poll them, and a reload or host restart finds the outcome in the database.

Jobs of one *lane* (e.g. ``"packages"``) run one after another: two package operations
never overlap. Jobs without a lane run concurrently on a small pool.
"""

from __future__ import annotations

import importlib
import logging
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from sqlalchemy import select

from ..db import Database
from ..models import Job
from core.models import utcnow

log = logging.getLogger(__name__)


class JobError(RuntimeError):
    """A failure whose message is written for the operator; the job shows it without the class name."""


def failure_message(exc: BaseException) -> str:
    """How a job shows a failure: a :class:`JobError` as written, anything else with its class name."""
    return str(exc) if isinstance(exc, JobError) else f"{type(exc).__name__}: {exc}"


class JobContext:
    """What a handler sees: its parameters and a way to report progress and log lines."""

    def __init__(self, runner: "JobRunner", job_id: int, params: dict) -> None:
        self.runner = runner
        self.job_id = job_id
        self.params = params
        self._lines: list[str] = []
        self._progress = 0

    @property
    def host(self):
        """The host whose runner runs this job."""
        return self.runner.context["host"]

    def log(self, line: str) -> None:
        self._lines.append(line.rstrip("\n"))
        self._flush()

    def progress(self, percent: float) -> None:
        value = max(0, min(100, int(percent)))
        if value != self._progress:
            self._progress = value
            self._flush()

    def _flush(self) -> None:
        with self.runner.db.transaction() as session:
            job = session.get(Job, self.job_id)
            job.log = "\n".join(self._lines)
            job.progress = self._progress


def resolve_handler(path: str) -> Callable[[JobContext], Any]:
    module_name, _, attr = path.partition(":")
    if not module_name or not attr:
        raise ValueError(f"job handler {path!r} is not 'module:function'")
    return getattr(importlib.import_module(module_name), attr)


class JobRunner:
    """Runs persisted jobs on worker threads; one serial lane per name."""

    def __init__(self, db: Database, *, workers: int = 4) -> None:
        self.db = db
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="job")
        self._lanes: dict[str, ThreadPoolExecutor] = {}
        self._lock = threading.Lock()
        self.context: dict[str, Any] = {}

    def submit(self, handler: str, title: str, params: dict | None = None, *, created_by: str = "system",
               lane: str | None = None, kind: str | None = None) -> int:
        """Persist a queued job and schedule it; returns the job id."""
        resolve_handler(handler)  # fail now, not in the worker, on a typo
        with self.db.transaction() as session:
            job = Job(kind=kind or handler, title=title, params={"handler": handler, "lane": lane, **(params or {})},
                      created_by=created_by)
            session.add(job)
            session.flush()
            job_id = job.id
        self._executor(lane).submit(self._run, job_id)
        return job_id

    def _executor(self, lane: str | None) -> ThreadPoolExecutor:
        if lane is None:
            return self._pool
        with self._lock:
            if lane not in self._lanes:
                self._lanes[lane] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"job-{lane}")
            return self._lanes[lane]

    def run_now(self, job_id: int) -> None:
        """Run a queued job in the calling thread (CLI commands wait for their job)."""
        self._run(job_id)

    def _run(self, job_id: int) -> None:
        with self.db.transaction() as session:
            job = session.get(Job, job_id)
            if job.status != "queued":
                return
            job.status, job.started_at = "running", utcnow()
            params = dict(job.params)
        context = JobContext(self, job_id, params)
        try:
            result = resolve_handler(params["handler"])(context)
        except Exception as exc:  # noqa: BLE001 - the job records any failure for the operator
            log.exception("job %s failed", job_id)
            self._finish(job_id, "failed", context, error=failure_message(exc), details=traceback.format_exc())
        else:
            self._finish(job_id, "succeeded", context, result=result if isinstance(result, dict) else {})

    def _finish(self, job_id: int, status: str, context: JobContext, *, result: dict | None = None,
                error: str = "", details: str = "") -> None:
        with self.db.transaction() as session:
            job = session.get(Job, job_id)
            job.status, job.finished_at, job.error = status, utcnow(), error
            job.result = result or {}
            if status == "succeeded":
                job.progress = 100
            lines = context._lines + ([f"ERROR: {error}"] if error else [])
            job.log = "\n".join(lines)
            if details:
                log.debug("job %s traceback:\n%s", job_id, details)

    def recover(self) -> list[int]:
        """After a restart: fail jobs that were running, re-schedule queued ones."""
        with self.db.transaction() as session:
            rows = session.execute(select(Job).where(Job.status.in_(("queued", "running")))).scalars().all()
            requeue = []
            for job in rows:
                if job.status == "running":
                    job.status, job.finished_at = "failed", utcnow()
                    job.error = "Interrupted by a restart of the host before it finished."
                    job.log = (job.log + "\nERROR: " + job.error).strip()
                else:
                    requeue.append((job.id, (job.params or {}).get("lane")))
        for job_id, lane in requeue:
            self._executor(lane).submit(self._run, job_id)
        return [job_id for job_id, _ in requeue]

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)
        for lane in self._lanes.values():
            lane.shutdown(wait=wait)


def job_status(db: Database, job_id: int) -> dict | None:
    """The JSON a progress panel polls."""
    with db.transaction() as session:
        job = session.get(Job, job_id)
        if job is None:
            return None
        return {"id": job.id, "title": job.title, "status": job.status, "progress": job.progress, "log": job.log,
                "error": job.error, "result": job.result, "kind": job.kind}
