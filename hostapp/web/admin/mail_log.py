"""Logs → Emails (the outbox: status, answers, tries, view, resend) and sending invoices from Finance.

The mail service and its renderer are imported by the first resend or send, not when the app is
built.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.gateway.links import mask_signatures
from core.web import admin_sees_partner, current_host, parse_id, requires, scope_customers, scope_partners
from core.web.tables import paginate

from ...models import MAIL_STATUSES, Invoice, MailMessage, ProformaInvoice
from ...services.audit import record
from . import bp
from .integrations import actor

DOCUMENTS = {"invoice": Invoice, "proforma": ProformaInvoice}
#: documents one press of Actions → Send may queue
MAX_SEND = 500


@bp.get("/logs/emails")
@requires("finance.view")
def mail_log():
    """Every message with its status, the server's last answer and its tries; the admin's partners only."""
    db = current_host().db.session
    statement = scope_partners(select(MailMessage).order_by(MailMessage.id.desc()), MailMessage.partner_id)
    status = request.args.get("status", "")
    if status in MAIL_STATUSES:
        statement = statement.where(MailMessage.status == status)
    page = paginate(db, statement, (MailMessage.to_address, MailMessage.subject, MailMessage.message_id))
    return render_template("admin/mail_log.html", page=page, statuses=MAIL_STATUSES, status=status,
                           mask=mask_signatures)


def _message_or_404(message_id: int) -> MailMessage:
    row = current_host().db.session.get(MailMessage, message_id)
    if row is None or not admin_sees_partner(row.partner_id):
        abort(404)
    return row


@bp.get("/logs/emails/<int:message_id>")
@requires("finance.view")
def mail_message(message_id: int):
    """One message as it was rendered (link signatures masked), with its delivery record."""
    row = _message_or_404(message_id)
    return render_template("admin/mail_message.html", message=row, text=mask_signatures(row.text))


@bp.get("/logs/emails/<int:message_id>/html")
@requires("finance.view")
def mail_message_html(message_id: int):
    """The HTML part alone, for the sandboxed frame of the message page (no scripts, no requests out)."""
    row = _message_or_404(message_id)
    response = Response(mask_signatures(row.html), mimetype="text/html")
    response.headers["Content-Security-Policy"] = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; "
                                                   "img-src data:; frame-ancestors 'self'")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.post("/logs/emails/<int:message_id>/resend")
@requires("finance.mail")
def mail_resend(message_id: int):
    """Try a failed message again, or send a sent one again as a new message."""
    from ...services.mail.service import MailService

    host = current_host()
    db = host.db.session
    row = _message_or_404(message_id)
    service = MailService(host)
    again = service.requeue(db, row, created_by=actor())
    record(db, actor(), "mail.resend", f"mail:{row.id}", {"to": row.to_address, "as": again.id},
           partner_id=row.partner_id)
    db.commit()
    service.dispatch()
    flash(f"The message to {row.to_address} is queued again." if again.id == row.id
          else f"A copy of the message to {row.to_address} is queued (#{again.id}).", "success")
    return redirect(url_for(".mail_message", message_id=again.id))


def _documents(kind: str, ids: list[int]):
    model = DOCUMENTS[kind]
    statement = scope_customers(select(model).where(model.id.in_(ids)), model.customer_id)
    return current_host().db.session.execute(statement.order_by(model.id)).scalars().all()


def _ids(raw: str) -> list[int]:
    ids = []
    for part in raw.split(",")[:MAX_SEND]:
        value = parse_id(part.strip())
        if value is not None:
            ids.append(value)
    return ids


@bp.route("/finance/<any(invoice, proforma):kind>/send", methods=["GET", "POST"])
@requires("finance.mail")
def mail_send_documents(kind: str):
    """Send ticked invoices (or one row's) to their customers: a confirmation, then the queue."""
    from ...services.mail.render import TemplateError
    from ...services.mail.service import MailService, NotSent

    host = current_host()
    db = host.db.session
    documents = _documents(kind, _ids(request.values.get("ids", "")))
    if not documents:
        abort(404)
    label = "invoice" if kind == "invoice" else "proforma invoice"
    if request.method == "GET":
        return render_template("admin/mail_send.html", kind=kind, label=label, documents=documents,
                               ids=",".join(str(d.id) for d in documents))
    service = MailService(host)
    queued, skipped = [], []
    for document in documents:
        try:
            with db.begin_nested():
                service.queue_document(db, kind, document, created_by=actor())
            queued.append(document.number)
        except (NotSent, TemplateError) as exc:
            skipped.append(f"{document.number}: {exc}")
    if queued:
        record(db, actor(), "mail.send", f"{kind}s", {"numbers": ", ".join(queued)[:500]})
    db.commit()
    if queued:
        service.dispatch()
        flash(f"Queued {len(queued)} {label}{'s' if len(queued) != 1 else ''} for sending: {', '.join(queued[:20])}"
              f"{' …' if len(queued) > 20 else ''}. Follow them in Logs → Emails.", "success")
    for line in skipped[:20]:
        flash(f"Not sent: {line}", "error")
    if request.form.get("back") == "list":
        return redirect(url_for(".invoices" if kind == "invoice" else ".proformas"))
    return render_template("admin/mail_send.html", kind=kind, label=label, documents=documents, done=True,
                           queued=queued, skipped=skipped, ids="")
