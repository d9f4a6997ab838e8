"""The outbox: queue a rendered message, claim it atomically, send it once, retry what waits.

Every message is a :class:`hostapp.models.MailMessage` row written (rendered, with its
``Message-ID``) before anything talks to the SMTP server, so nothing is lost when the
server is down: the row waits. :func:`deliver_due` is the one way a message leaves:

1. it *claims* a due message with one conditional ``UPDATE`` (``queued`` and due, or
   ``sending`` with a claim that ran out because its worker died); only the worker whose
   update changed the row sends it, so parallel workers never send one message twice;
2. it sends it and records the server's answer: ``sent``; a temporary failure puts it back
   to ``queued`` with a doubled wait (``SPLYNX_MAIL_RETRY_SECONDS``, at most
   ``SPLYNX_MAIL_RETRY_MAX_SECONDS``) until ``SPLYNX_MAIL_MAX_ATTEMPTS``; a permanent
   failure marks it ``failed``.

A worker that dies after the server took the message but before it recorded ``sent``
leaves a claim that runs out; the message is then sent again with the same
``Message-ID``, which receiving servers and mail clients use to drop the copy.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import and_, or_, select, update

from core.models import utcnow

from ...models import MailMessage
from . import settings as mail_settings
from .smtp import DeliveryFailure, send

log = logging.getLogger(__name__)

#: seconds a claim holds a message (longer than the SMTP timeout at its largest)
CLAIM_SECONDS = 600


def worker_name() -> str:
    """Who holds a claim: host name, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:96]


def new_message_id(domain: str) -> str:
    return make_msgid(domain=domain or "splynx.invalid")


def build_email(row: MailMessage, sender_name: str) -> EmailMessage:
    """The MIME message of an outbox row: text part first, HTML alternative, its own Message-ID."""
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = formataddr((sender_name, row.from_address)) if sender_name else row.from_address
    message["To"] = row.to_address
    message["Message-ID"] = row.message_id
    message["Date"] = row.created_at.strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(row.text)
    message.add_alternative(row.html, subtype="html")
    return message


def backoff(config, attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed try."""
    return min(config.mail_retry_seconds * 2 ** max(attempts - 1, 0), config.mail_retry_max_seconds)


@dataclass
class DeliveryReport:
    """What one sweep of the outbox did."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def describe(self) -> str:
        return f"{len(self.sent)} sent, {len(self.retrying)} waiting to retry, {len(self.failed)} failed"


def due_ids(session, now: datetime, limit: int) -> list[int]:
    return list(session.execute(select(MailMessage.id).where(_claimable(now)).order_by(
        MailMessage.next_attempt_at, MailMessage.id).limit(limit)).scalars())


def _claimable(now: datetime):
    return or_(and_(MailMessage.status == "queued", MailMessage.next_attempt_at <= now),
               and_(MailMessage.status == "sending", MailMessage.claimed_until < now))


def claim(host, message_id: int, owner: str) -> bool:
    """Take one message for sending; ``True`` only for the one worker whose update changed the row."""
    now = utcnow()
    with host.db.transaction() as session:
        changed = session.execute(update(MailMessage).where(MailMessage.id == message_id, _claimable(now)).values(
            status="sending", claimed_by=owner, claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
            attempts=MailMessage.attempts + 1).execution_options(synchronize_session=False)).rowcount
    return changed == 1


def _finish(host, message_id: int, owner: str, **values) -> None:
    with host.db.transaction() as session:
        session.execute(update(MailMessage).where(MailMessage.id == message_id, MailMessage.claimed_by == owner)
                        .values(claimed_by=None, claimed_until=None, **values)
                        .execution_options(synchronize_session=False))


def deliver_one(host, message_id: int, owner: str, report: DeliveryReport) -> None:
    """Send one claimed message and record what the server said."""
    with host.db.reading() as session:
        row = session.get(MailMessage, message_id)
        settings = mail_settings.load(session, host.box, row.partner_id)
        email = build_email(row, settings.sender_name)
        attempts = row.attempts
    try:
        answer = send(settings, email, ca_file=host.config.mail_ca_file)
    except DeliveryFailure as exc:
        if exc.temporary and attempts < host.config.mail_max_attempts:
            wait = backoff(host.config, attempts)
            _finish(host, message_id, owner, status="queued", last_answer=exc.answer[:2000],
                    next_attempt_at=utcnow() + timedelta(seconds=wait))
            report.retrying.append(message_id)
            log.info("mail %s: %s; next try in %.0f s", message_id, exc.answer, wait)
        else:
            _finish(host, message_id, owner, status="failed", last_answer=exc.answer[:2000])
            report.failed.append(message_id)
            log.warning("mail %s failed: %s", message_id, exc.answer)
        return
    _finish(host, message_id, owner, status="sent", last_answer=answer[:2000], sent_at=utcnow())
    report.sent.append(message_id)


def deliver_due(host, *, limit: int = 500, owner: str | None = None) -> DeliveryReport:
    """Send every message that is due (up to ``limit``); returns what happened."""
    owner = owner or worker_name()
    report = DeliveryReport()
    with host.db.reading() as session:
        candidates = due_ids(session, utcnow(), limit)
    for message_id in candidates:
        if claim(host, message_id, owner):
            try:
                deliver_one(host, message_id, owner, report)
            except Exception:  # noqa: BLE001 - leave the claim to run out; the message is tried again
                log.exception("mail %s: sending failed unexpectedly", message_id)
    return report
