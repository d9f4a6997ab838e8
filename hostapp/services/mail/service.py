"""The e-mail facade the admin pages, the CLI, the events and the workers use.

:class:`MailService` renders a template for a customer, queues messages (``Send`` on an
invoice, ``Actions → Send``), sends the test e-mail straight away (to report the server's
answer), renders the messages events queued, and hands delivery to the jobs: an in-process
job thread, or a Celery task when ``SPLYNX_BROKER_URL`` is set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import utcnow

from ...models import Customer, Invoice, MailMessage, Payment, PaymentAttempt, ProformaInvoice
from ..periodic import Periodic
from . import settings as mail_settings
from .outbox import DeliveryReport, build_email, deliver_due
from .render import Rendered, TemplateError, render
from .smtp import send
from .templates import Templates
from .variables import template_variables

log = logging.getLogger(__name__)

DOCUMENTS = {"invoice": Invoice, "proforma": ProformaInvoice}
#: the template a document is sent with
DOCUMENT_TEMPLATES = {"invoice": "invoice_new", "proforma": "proforma_new"}
JOB_HANDLER = "hostapp.services.mail.service:deliver_job"


class NotSent(ValueError):
    """Why a message was not queued (no e-mail address, opted out, unknown template)."""


@dataclass(frozen=True)
class Subject:
    """What a message is about: the customer and the document or payment, loaded in one session."""

    customer: Customer
    document: Invoice | ProformaInvoice | None = None
    payment: Payment | None = None
    reason: str = ""


def message_domain(address: str) -> str:
    return address.rpartition("@")[2] or "splynx.invalid"


class MailService:
    """E-mail for one host."""

    def __init__(self, host) -> None:
        self.host = host
        self.templates = Templates(host)

    # -- rendering ---------------------------------------------------------------------

    def render(self, session: Session, key: str, subject: Subject, *, template=None) -> Rendered:
        """Render template ``key`` (or the unsaved ``template``) for ``subject``; raises :class:`TemplateError`."""
        customer = subject.customer
        template = template or self.templates.effective(session, key, customer.partner_id)
        if template is None:
            raise NotSent(f"There is no e-mail template {key!r}.")
        settings = mail_settings.load(session, self.host.box, customer.partner_id)
        variables = template_variables(self.host, session, key, customer, document=subject.document,
                                       payment=subject.payment, reason=subject.reason,
                                       sender_name=settings.sender_name, sender_address=settings.sender_address)
        return render(template, variables)

    def subject_of(self, session: Session, row: MailMessage) -> Subject:
        """The records an outbox row is about (for rendering an event's message)."""
        customer = session.get(Customer, row.customer_id)
        document = session.get(DOCUMENTS[row.document_kind], row.document_id) if row.document_kind else None
        payment = session.get(Payment, row.payment_id) if row.payment_id else None
        reason = ""
        if row.template == "payment_failed" and row.event_key:
            key = row.event_key.partition(":")[2]
            attempt = session.execute(select(PaymentAttempt).where(PaymentAttempt.key == key)).scalar_one_or_none()
            reason = attempt.message if attempt is not None else ""
        return Subject(customer, document, payment, reason)

    # -- queueing ----------------------------------------------------------------------

    def queue(self, session: Session, key: str, subject: Subject, *, created_by: str,
              event_key: str | None = None) -> MailMessage:
        """Render and queue one message in ``session`` (the caller commits); raises :class:`NotSent`
        or :class:`TemplateError` and then queues nothing."""
        customer = subject.customer
        if not customer.email:
            raise NotSent(f"{customer.name} has no e-mail address.")
        if not customer.send_finance_notification:
            raise NotSent(f"{customer.name} does not want finance e-mails.")
        rendered = self.render(session, key, subject)
        sender = mail_settings.load(session, self.host.box, customer.partner_id).sender_address
        document = subject.document
        row = MailMessage(
            message_id=make_msgid(domain=message_domain(sender)), event_key=event_key, template=key,
            customer_id=customer.id, partner_id=customer.partner_id, to_address=customer.email,
            from_address=sender, subject=rendered.subject, html=rendered.html, text=rendered.text,
            document_kind=document.kind if document is not None else "",
            document_id=document.id if document is not None else None,
            payment_id=subject.payment.id if subject.payment is not None else None, created_by=created_by)
        session.add(row)
        session.flush()
        return row

    def queue_document(self, session: Session, kind: str, document, *, created_by: str) -> MailMessage:
        """Queue the "new invoice" or "new proforma" message of a document."""
        return self.queue(session, DOCUMENT_TEMPLATES[kind], Subject(document.customer, document),
                          created_by=created_by)

    def requeue(self, session: Session, row: MailMessage, *, created_by: str) -> MailMessage:
        """*Resend*: a failed message is tried again as it is; a sent one goes out again as a new message."""
        if row.status == "failed" and row.subject:
            row.status, row.attempts, row.next_attempt_at, row.last_answer = "queued", 0, utcnow(), ""
            return row
        if row.status == "failed":  # an event whose template did not render: render it now
            row.status = "new"
            return row
        copy = MailMessage(
            message_id=make_msgid(domain=message_domain(row.from_address)), template=row.template,
            customer_id=row.customer_id, partner_id=row.partner_id, to_address=row.to_address,
            from_address=row.from_address, subject=row.subject, html=row.html, text=row.text,
            document_kind=row.document_kind, document_id=row.document_id, payment_id=row.payment_id,
            created_by=created_by)
        session.add(copy)
        session.flush()
        return copy

    def compose_new(self) -> int:
        """Render the messages events queued (``new``); a template error fails the message unsent."""
        with self.host.db.reading() as session:
            ids = list(session.execute(select(MailMessage.id).where(MailMessage.status == "new")
                                       .order_by(MailMessage.id).limit(1000)).scalars())
        for message_id in ids:
            with self.host.db.transaction() as session:
                row = session.get(MailMessage, message_id, with_for_update=True)
                if row is None or row.status != "new":
                    continue
                try:
                    rendered = self.render(session, row.template, self.subject_of(session, row))
                except (TemplateError, NotSent) as exc:
                    row.status, row.last_answer = "failed", f"Not sent: template error: {exc}"
                    continue
                sender = mail_settings.load(session, self.host.box, row.partner_id).sender_address
                row.subject, row.html, row.text, row.from_address = (rendered.subject, rendered.html, rendered.text,
                                                                     sender)
                row.message_id = make_msgid(domain=message_domain(sender))
                row.status, row.next_attempt_at = "queued", utcnow()
        return len(ids)

    # -- sending -----------------------------------------------------------------------

    def deliver(self) -> DeliveryReport:
        """Render what events queued, then send every message that is due."""
        self.compose_new()
        return deliver_due(self.host)

    def dispatch(self) -> None:
        """Have the queue worked soon: a Celery task with a broker, else a job on this process's threads."""
        if self.host.config.broker_url:
            from ..charging.celery_app import send_mail_delivery

            send_mail_delivery(self.host.config)
            return
        self.host.jobs.context.setdefault("host", self.host)
        self.host.jobs.submit(JOB_HANDLER, "Send queued e-mail", kind="mail", lane="mail")

    def send_test(self, address: str, partner_id: int | None) -> str:
        """Send a test message now, past the queue; the server's answer, or :class:`DeliveryFailure`."""
        with self.host.db.reading() as session:
            settings = mail_settings.load(session, self.host.box, partner_id)
        row = MailMessage(message_id=make_msgid(domain=message_domain(settings.sender_address)), template="test",
                          to_address=address, from_address=settings.sender_address,
                          subject="Test e-mail from splynx-host", created_at=utcnow(),
                          text=f"This is a test e-mail. The SMTP server {settings.host}:{settings.port} "
                               f"({settings.security}) accepted it.\n",
                          html=f"<p>This is a test e-mail. The SMTP server {settings.host}:{settings.port} "
                               f"({settings.security}) accepted it.</p>")
        return send(settings, build_email(row, settings.sender_name), ca_file=self.host.config.mail_ca_file)


def deliver_job(context) -> dict:
    """Job handler: work the outbox once and log what happened."""
    report = MailService(context.host).deliver()
    context.log(f"E-mail: {report.describe()}.")
    return {"sent": len(report.sent), "retrying": len(report.retrying), "failed": len(report.failed)}


def watch(host) -> Periodic:
    """The outbox sweep of ``splynx serve`` and ``splynx worker`` (not started): retries wait for it."""
    return Periodic("mail-outbox", host.config.mail_poll_seconds, MailService(host).deliver)
