"""Templates in the sandbox, the opt-out, and the messages events queue by themselves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.mail import MailTemplate
from hostapp.models import Customer, Invoice, MailMessage, MailTemplateRecord
from hostapp.services.mail.render import TemplateError
from hostapp.services.mail.service import MailService, NotSent, Subject
from hostapp.services.mail.outbox import deliver_due
from hostapp.services.mail.render import render
from tests.mail.configure import configure_mail


def test_a_template_error_names_the_part_and_line_and_sends_nothing(host, factory, mail, smtp_server):
    customer = factory.customer()
    invoice = factory.invoice(customer)
    with host.db.transaction() as session:
        session.add(MailTemplateRecord(key="invoice_new", partner_id=0, subject="Invoice {{ document.number }}",
                                       html="<p>Hello</p>\n<p>{{ customer.nmae }}</p>\n", text=""))
    with host.db.transaction() as session, pytest.raises(TemplateError) as error:
        mail.queue(session, "invoice_new", Subject(session.get(Customer, customer.id),
                                                   session.get(Invoice, invoice.id)), created_by="test")
    assert (error.value.part, error.value.line) == ("html", 2)
    assert str(error.value) == "HTML body, line 2: 'dict object' has no attribute 'nmae'"
    with host.db.reading() as session:
        # the invoice's own automatic message was rendered with the same broken template: failed, not sent
        MailService(host).compose_new()
        rows = session.execute(select(MailMessage)).scalars().all()
    assert [(r.status, r.last_answer) for r in rows] == [
        ("failed", "Not sent: template error: HTML body, line 2: 'dict object' has no attribute 'nmae'")]
    assert deliver_due(host).sent == [] and smtp_server.inbox.messages == []


def test_syntax_errors_name_their_line():
    with pytest.raises(TemplateError, match=r"^Subject, line 1: .*") as error:
        render(MailTemplate("k", "t", "{% if %}", "<p></p>"), {})
    assert error.value.line == 1


def test_the_sandbox_keeps_templates_away_from_pythons_insides():
    template = MailTemplate("k", "t", "x", "{{ customer.__class__.__mro__ }}")
    with pytest.raises(TemplateError, match="unsafe"):
        render(template, {"customer": {}})


def test_html_is_escaped_and_the_text_part_generated_when_empty():
    done = render(MailTemplate("k", "t", "Hi {{ name }}", "<p>Hi {{ name }}</p><p><a href=\"{{ url }}\">Pay</a></p>"),
                  {"name": "<b>Tom</b>", "url": "https://isp.example/pay?a=1&b=2"})
    assert "&lt;b&gt;Tom&lt;/b&gt;" in done.html
    assert "https://isp.example/pay?a=1&b=2" in done.text and "<p>" not in done.text


def test_an_opted_out_customer_gets_nothing(host, factory, mail, smtp_server):
    customer = factory.customer(send_finance_notification=False)
    factory.invoice(customer)  # issuing it queues nothing for this customer
    invoice = factory.invoice(customer)
    with host.db.transaction() as session, pytest.raises(NotSent, match="does not want finance e-mails"):
        mail.queue_document(session, "invoice", session.get(Invoice, invoice.id), created_by="test")
    mail.deliver()
    with host.db.reading() as session:
        assert session.execute(select(MailMessage)).first() is None
    assert smtp_server.inbox.messages == []


def test_issuing_an_invoice_queues_its_email_in_the_same_transaction(host, factory, mail, smtp_server):
    customer = factory.customer()
    invoice = factory.invoice(customer, "42.50")
    report = mail.deliver()
    assert len(report.sent) == 1
    [received] = smtp_server.inbox.messages
    assert received["Subject"] == f"Your invoice {invoice.number} of 42.50 $"
    assert received["To"] == customer.email
    html = received.get_body(("html",)).get_content()
    text = received.get_body(("plain",)).get_content()
    assert "42.50 $" in html and "42.50 $" in text and "Internet" in text
    mail.deliver()  # the event is queued once
    assert len(smtp_server.inbox.messages) == 1


def test_automatic_sending_follows_the_partners_setting(host, factory, mail, smtp_server):
    quiet, loud = factory.partner(), factory.partner()
    configure_mail(host, smtp_server.port, partner_id=quiet.id, send_on_invoice="0")
    factory.invoice(factory.customer(partner=quiet))
    factory.invoice(factory.customer(partner=loud))
    assert len(mail.deliver().sent) == 1
