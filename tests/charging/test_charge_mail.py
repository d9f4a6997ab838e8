"""A charge batch's bookings and declines e-mail the customers, once each, through the outbox."""

from __future__ import annotations

from sqlalchemy import select

from hostapp.models import MailMessage
from hostapp.services.mail.service import MailService
from tests.charging.conftest import request, wait_finished
from tests.mail.configure import configure_mail


def test_a_batch_sends_payment_received_and_payment_failed(host, charging, card_customer, factory, smtp_server):
    good, bad = card_customer(), card_customer(token="tok-decline")
    factory.invoice(good, "20.00")
    factory.invoice(bad, "30.00")
    configure_mail(host, smtp_server.port)  # after issuing: the test is about the batch's messages
    batch_id = charging.charge(request())
    wait_finished(charging, batch_id)
    charging.resume_stale("test")  # a resumed batch notices the same results again: still one message each
    report = MailService(host).deliver()
    assert len(report.sent) == 2
    received = {m["To"]: m for m in smtp_server.inbox.messages}
    assert received[good.email]["Subject"] == "Payment received: 20.00 $"
    assert received[bad.email]["Subject"].startswith("We could not charge invoice ")
    assert "Card declined (005)" in received[bad.email].get_body(("plain",)).get_content()
    with host.db.reading() as session:
        assert sorted(session.execute(select(MailMessage.template)).scalars()) == ["payment_failed",
                                                                                  "payment_received"]


def test_a_partner_that_does_not_send_batch_mail_sends_none(host, charging, card_customer, factory, smtp_server):
    customer = card_customer()
    factory.invoice(customer, "20.00")
    configure_mail(host, smtp_server.port, send_on_charge="0")
    wait_finished(charging, charging.charge(request()))
    assert MailService(host).deliver().sent == []
