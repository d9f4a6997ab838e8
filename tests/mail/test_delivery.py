"""Sending through a real SMTP server on loopback: the test e-mail, the outbox, retries, STARTTLS."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from hostapp.models import MailMessage
from hostapp.services.mail.service import MailService, Subject
from hostapp.services.mail.smtp import PermanentFailure
from hostapp.services.mail.outbox import deliver_due
from tests.mail.configure import configure_mail


def test_the_test_email_reports_the_servers_answer(mail, smtp_server):
    answer = mail.send_test("noc@isp.example", None)
    assert answer == "250 2.0.0 Ok: queued as TEST1"
    [received] = smtp_server.inbox.messages
    assert received["To"] == "noc@isp.example"
    assert received["From"] == "Billing <billing@isp.example>"
    assert smtp_server.inbox.envelopes == [("billing@isp.example", ["noc@isp.example"])]


def test_a_refused_login_is_reported_with_the_servers_answer(host, tmp_path):
    from splynx_testing.smtp import SmtpServer

    server = SmtpServer(login=("billing", "right")).start()
    try:
        configure_mail(host, server.port, smtp_login="billing", smtp_password="wrong")
        with pytest.raises(PermanentFailure, match="535"):
            MailService(host).send_test("noc@isp.example", None)
        assert server.inbox.messages == []
    finally:
        server.stop()


def test_starttls_with_a_test_certificate_and_a_login(host, tmp_path, monkeypatch):
    from splynx_testing.smtp import SmtpServer, make_certificate

    cert, key = make_certificate(tmp_path)
    server = SmtpServer(tls=(cert, key), login=("billing", "s3cret pass")).start()
    try:
        configure_mail(host, server.port, smtp_security="starttls", smtp_login="billing", smtp_password="s3cret pass")
        with pytest.raises(PermanentFailure, match="certificate does not verify"):
            MailService(host).send_test("noc@isp.example", None)  # not trusted yet: nothing sent in clear
        monkeypatch.setattr(host, "config", host.config.__class__(**{**host.config.__dict__, "mail_ca_file": str(cert)}))
        assert MailService(host).send_test("noc@isp.example", None).startswith("250 ")
        assert server.logins == ["billing"] and len(server.inbox.messages) == 1
    finally:
        server.stop()


def test_a_server_without_starttls_is_not_sent_to_in_clear(mail, host, smtp_server):
    configure_mail(host, smtp_server.port, smtp_security="starttls")
    with pytest.raises(PermanentFailure, match="does not support"):
        mail.send_test("noc@isp.example", None)
    assert smtp_server.inbox.messages == []


def _queue(host, mail, customers):
    with host.db.transaction() as session:
        from hostapp.models import Customer, Invoice

        for customer_id, invoice_id in customers:
            customer, invoice = session.get(Customer, customer_id), session.get(Invoice, invoice_id)
            mail.queue(session, "invoice_new", Subject(customer, invoice), created_by="test")


def _statuses(host) -> dict[str, int]:
    with host.db.reading() as session:
        return dict(session.execute(select(MailMessage.status, func.count()).group_by(MailMessage.status)).all())


def test_outage_during_a_batch_of_100_then_all_delivered_once(host, factory, smtp_server, monkeypatch):
    configure_mail(host, smtp_server.port, send_on_invoice="0")
    monkeypatch.setattr(host, "config", host.config.__class__(**{**host.config.__dict__, "mail_retry_seconds": 0.0}))
    mail = MailService(host)
    partner, location = factory.partner(), factory.location()
    documents = []
    for _ in range(100):
        customer = factory.customer(partner=partner, location=location)
        documents.append((customer.id, factory.invoice(customer).id))
    smtp_server.stop()  # the server goes down before the batch is sent
    _queue(host, mail, documents)
    down = [deliver_due(host) for _ in range(2)]  # two sweeps while it is down
    for sweep in down:  # each knocks once, leaves the other 99 in place
        assert (len(sweep.sent), len(sweep.retrying), len(sweep.failed), len(sweep.deferred)) == (0, 1, 0, 99)
    with host.db.reading() as session:
        answers = set(session.execute(select(MailMessage.last_answer).where(MailMessage.attempts > 0)).scalars())
        assert answers and all("127.0.0.1" in a and "refused" in a.lower() for a in answers), answers
    smtp_server.inbox.temporary_failures = 5  # back, but busy for a moment: 451 on five messages
    smtp_server.start()
    rounds = [deliver_due(host) for _ in range(3)]
    assert sum(len(r.sent) for r in rounds) == 100
    assert len(rounds[0].retrying) == 5 and not any(r.deferred or r.failed for r in rounds)
    ids = smtp_server.inbox.message_ids()
    assert len(ids) == 100 and len(set(ids)) == 100
    assert _statuses(host) == {"sent": 100}
    with host.db.reading() as session:
        tries = sorted(session.execute(select(MailMessage.attempts)).scalars())
    refused = sum(len(sweep.retrying) for sweep in down)
    assert sum(tries) == refused + 5 + 100
    print(f"outage: 100 queued; while down {refused} connection attempts refused (1 per sweep, "
          f"{sum(len(s.deferred) for s in down)} deferrals); back with 5 × 451: 100 delivered, "
          f"{len(ids) - len(set(ids))} twice, {sum(tries)} SMTP tries in all")


def test_parallel_workers_send_each_message_once(host, factory, smtp_server):
    configure_mail(host, smtp_server.port, send_on_invoice="0")
    mail = MailService(host)
    partner, location = factory.partner(), factory.location()
    documents = []
    for _ in range(40):
        customer = factory.customer(partner=partner, location=location)
        documents.append((customer.id, factory.invoice(customer).id))
    _queue(host, mail, documents)
    start = threading.Barrier(4)
    reports = []

    def work(n: int) -> None:
        start.wait()
        reports.append(deliver_due(host, owner=f"worker-{n}"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = smtp_server.inbox.message_ids()
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 40
    assert sum(len(r.sent) for r in reports) == 40
    assert _statuses(host) == {"sent": 40}


def test_a_permanent_refusal_fails_the_message_with_the_answer(host, factory, smtp_server, monkeypatch):
    configure_mail(host, smtp_server.port, send_on_invoice="0")
    customer = factory.customer()
    _queue(host, MailService(host), [(customer.id, factory.invoice(customer).id)])

    async def refuse(server, session, envelope):
        return "554 5.7.1 Message rejected as spam"

    monkeypatch.setattr(smtp_server.inbox, "handle_DATA", refuse)
    report = deliver_due(host)
    assert report.failed and not report.sent
    with host.db.reading() as session:
        row = session.execute(select(MailMessage)).scalar_one()
        assert (row.status, row.last_answer, row.attempts) == ("failed", "554 5.7.1 Message rejected as spam", 1)
