"""Operational records: persisted jobs and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, Timestamped, utcnow

JOB_STATUSES = ("queued", "running", "succeeded", "failed")


class Job(Timestamped, Base):
    """A long task (install, export, charge batch) whose progress and log survive restarts."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    progress: Mapped[int] = mapped_column(default=0)
    log: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed")


class AuditEntry(Base):
    """Who changed what and when; secret values are redacted before they get here.

    ``partner_id`` is the partner of the customer, series or batch an entry is about (no foreign
    key: the log keeps its history when a partner is removed); ``None`` for logins, configuration
    and add-ons, which only administrators not limited to partners see.
    """

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(128), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    partner_id: Mapped[int | None] = mapped_column(index=True)
