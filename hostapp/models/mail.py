"""E-mail: templates operators edited and the outbox of every message the host sends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, utcnow

#: ``new`` (an event's message, not rendered yet), ``queued`` (waiting, possibly for a retry),
#: ``sending`` (claimed by a worker), ``sent``, ``failed`` (with the server's answer or the template error)
MAIL_STATUSES = ("new", "queued", "sending", "sent", "failed")


class MailTemplateRecord(Base):
    """An operator's version of a template (Config → Templates); the built-in text applies without one."""

    __tablename__ = "mail_templates"
    __table_args__ = (UniqueConstraint("key", "partner_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    #: 0: the Default partner's version, which every partner without its own uses
    partner_id: Mapped[int] = mapped_column(default=0)
    subject: Mapped[str] = mapped_column(String(255))
    html: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MailMessage(Base):
    """One message of the outbox: rendered once, sent at most once per ``message_id``.

    ``event_key`` names what caused an automatic message (``invoice_new:invoice:17``); it
    is unique, so an event queues one message however often it is noticed. A worker
    *claims* a message by moving it from ``queued`` to ``sending`` in one conditional
    update; only the worker whose update changed the row talks to the SMTP server.
    """

    __tablename__ = "mail_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the ``Message-ID`` header (``<hex@host>``), unique
    message_id: Mapped[str] = mapped_column(String(128), unique=True)
    event_key: Mapped[str | None] = mapped_column(String(96), unique=True)
    template: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    partner_id: Mapped[int] = mapped_column(default=0, index=True)
    document_kind: Mapped[str] = mapped_column(String(16), default="")
    document_id: Mapped[int | None]
    payment_id: Mapped[int | None]
    to_address: Mapped[str] = mapped_column(String(255))
    from_address: Mapped[str] = mapped_column(String(255), default="")
    subject: Mapped[str] = mapped_column(String(255), default="")
    html: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    #: tries made so far (a claim counts one)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: who holds the claim and until when (a worker that died loses it then)
    claimed_by: Mapped[str | None] = mapped_column(String(96))
    claimed_until: Mapped[datetime | None]
    #: the SMTP server's last answer ("250 2.0.0 Ok: queued as ...", "451 4.3.0 Try later")
    last_answer: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
