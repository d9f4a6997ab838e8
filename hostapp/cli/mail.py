"""``splynx mail``: send a test e-mail, send an invoice, look at (and work) the outbox."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from core.gateway.links import mask_signatures

from ..models import Invoice, MailMessage, ProformaInvoice
from ..services.mail.render import TemplateError
from ..services.mail.service import MailService, NotSent
from ..services.mail.smtp import DeliveryFailure


@click.group("mail")
def mail() -> None:
    """E-mail to customers (settings in Config → Main → Email, templates in Config → Templates)."""


@mail.command("test")
@click.argument("address")
@click.option("--partner", type=int, help="Send with this partner's settings (default: the Default partner's).")
@click.pass_obj
def test(obj, address: str, partner: int | None) -> None:
    """Send a test e-mail to ADDRESS now and print the server's answer."""
    try:
        answer = MailService(obj.host).send_test(address, partner)
    except DeliveryFailure as exc:
        raise click.ClickException(f"Not sent. The server answered: {exc.answer}") from None
    click.echo(f"Sent to {address}. The server answered: {answer}")


@mail.command("send-invoice")
@click.argument("number")
@click.option("--wait/--no-wait", default=True, show_default=True, help="Send now and report, or leave it queued.")
@click.pass_obj
def send_invoice(obj, number: str, wait: bool) -> None:
    """Queue the e-mail of invoice (or proforma invoice) NUMBER to its customer, with its payment links."""
    host = obj.host
    service = MailService(host)
    with host.db.transaction() as session:
        for kind, model in (("invoice", Invoice), ("proforma", ProformaInvoice)):
            document = session.execute(select(model).where(model.number == number[:32])).scalar_one_or_none()
            if document is not None:
                break
        else:
            raise click.ClickException(f"There is no invoice or proforma invoice {number}.")
        try:
            row = service.queue_document(session, kind, document, created_by="cli")
        except (NotSent, TemplateError) as exc:
            raise click.ClickException(f"Not sent: {exc}") from None
        message_id, to = row.id, row.to_address
    click.echo(f"Queued message #{message_id} to {to}.")
    if wait:
        report = service.deliver()
        with host.db.reading() as session:
            row = session.get(MailMessage, message_id)
            click.echo(f"#{row.id}: {row.status} after {row.attempts} tr{'y' if row.attempts == 1 else 'ies'}. "
                       f"{mask_signatures(row.last_answer)}".rstrip())
        click.echo(f"Outbox: {report.describe()}.")


@mail.command("queue")
@click.option("--deliver", is_flag=True, help="Send what is due now (as the periodic sweep does).")
@click.option("--limit", default=20, show_default=True, help="Messages to list, newest first.")
@click.pass_obj
def queue(obj, deliver: bool, limit: int) -> None:
    """Show the outbox: counts per status and the latest messages with the server's answers."""
    host = obj.host
    if deliver:
        click.echo(f"Delivered: {MailService(host).deliver().describe()}.")
    with host.db.reading() as session:
        counts = dict(session.execute(select(MailMessage.status, func.count()).group_by(MailMessage.status)).all())
        rows = session.execute(select(MailMessage).order_by(MailMessage.id.desc()).limit(max(limit, 0))).scalars()
        click.echo(", ".join(f"{status}: {counts.get(status, 0)}" for status in
                             ("new", "queued", "sending", "sent", "failed")))
        for row in rows:
            line = f"#{row.id} {row.status:<7} tries {row.attempts} to {row.to_address}: {row.subject or row.template}"
            if row.status == "queued" and row.attempts:
                line += f" (next try {row.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC)"
            if row.last_answer:
                line += f" [{mask_signatures(row.last_answer)}]"
            click.echo(line)
