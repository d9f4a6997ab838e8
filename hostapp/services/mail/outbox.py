"""The outbox: queue a rendered message, claim it atomically, send it once, retry what waits.

Every message is a :class:`hostapp.models.MailMessage` row written (rendered, with its
``Message-ID``) before anything talks to the SMTP server, so nothing is lost when the
server is down: the row waits. :func:`deliver_due` is the one way a message leaves:

1. it *claims* a due message with one conditional ``UPDATE`` (``queued`` and due, or
   ``sending`` with a claim that ran out because its worker died); only the worker whose
   update changed the row sends it, so parallel workers never send one message twice;
2. it sends it and records the server's answer: ``sent``; a temporary failure puts it back
   to ``queued`` with a doubled wait (a server that cannot be reached is not tried again for
   the other messages of the same sweep) (``SPLYNX_MAIL_RETRY_SECONDS``, at most
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
from email.utils import formataddr

from sqlalchemy import and_, or_, select, update

from core.models import utcnow

from ...models import MailMessage
from . import settings as mail_settings
from .smtp import DeliveryFailure, Unreachable, send

log = logging.getLogger(__name__)

#: seconds a claim holds a message (longer than the SMTP timeout at its largest)
CLAIM_SECONDS = 600


def worker_name() -> str:
    """Who holds a claim: host name, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:96]


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
    #: not tried in this sweep: their server did not answer a message before them
    deferred: list[int] = field(default_factory=list)

    def describe(self) -> str:
        text = f"{len(self.sent)} sent, {len(self.retrying)} waiting to retry, {len(self.failed)} failed"
        return text + (f", {len(self.deferred)} left for the next sweep (server unreachable)" if self.deferred
                       else "")


def due(session, now: datetime, limit: int) -> list[tuple[int, int]]:
    """(message id, partner id) of the messages a sweep may claim, oldest due first."""
    return [tuple(row) for row in session.execute(select(MailMessage.id, MailMessage.partner_id).where(
        _claimable(now)).order_by(MailMessage.next_attempt_at, MailMessage.id).limit(limit))]


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


def deliver_one(host, message_id: int, owner: str, report: DeliveryReport) -> DeliveryFailure | None:
    """Send one claimed message and record what the server said; the failure, if any."""
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
        return exc
    _finish(host, message_id, owner, status="sent", last_answer=answer[:2000], sent_at=utcnow())
    report.sent.append(message_id)
    return None


def deliver_due(host, *, limit: int = 500, owner: str | None = None) -> DeliveryReport:
    """Send every message that is due (up to ``limit``); returns what happened.

    When a server cannot be reached, the sweep leaves the rest of its messages alone (they
    keep their place and their count of tries) instead of knocking on a closed door once
    per message; the next sweep tries again.
    """
    owner = owner or worker_name()
    report = DeliveryReport()
    servers: dict[int, tuple[str, int]] = {}
    unreachable: set[tuple[str, int]] = set()
    with host.db.reading() as session:
        candidates = due(session, utcnow(), limit)
        for partner_id in {partner_id for _, partner_id in candidates}:
            settings = mail_settings.load(session, host.box, partner_id)
            servers[partner_id] = (settings.host, settings.port)
    for message_id, partner_id in candidates:
        if servers[partner_id] in unreachable:
            report.deferred.append(message_id)
            continue
        if not claim(host, message_id, owner):
            continue
        try:
            failure = deliver_one(host, message_id, owner, report)
        except Exception:  # noqa: BLE001 - leave the claim to run out; the message is tried again
            log.exception("mail %s: sending failed unexpectedly", message_id)
            continue
        if isinstance(failure, Unreachable):
            unreachable.add(servers[partner_id])
    return report
