"""The e-mail pages: Config → Main → Email, Config → Templates, Logs → Emails, Send from Finance."""

from __future__ import annotations

import time
from html import escape

from sqlalchemy import select

from hostapp.models import Job, MailMessage, ModuleSetting
from tests.mail.configure import configure_mail


def wait_for_jobs(host, seconds: float = 30) -> None:
    """Until every job the pages started has finished (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with host.db.reading() as session:
            if not session.execute(select(Job).where(Job.status.in_(("queued", "running")))).first():
                return
        time.sleep(0.05)
    raise AssertionError("jobs still running")


def test_email_settings_save_with_the_password_sealed_and_test_reports_the_answer(host, admin_client, smtp_server):
    page = admin_client.get("/admin/config/main/email")
    assert page.status_code == 200 and b"Send test email" in page.data
    form = {"csrf_token": "", "form": "settings", "smtp_host": "127.0.0.1", "smtp_port": str(smtp_server.port),
            "smtp_security": "none", "smtp_login": "", "smtp_password": "hunter2-secret", "smtp_timeout": "5",
            "sender_name": "Billing", "sender_address": "billing@isp.example", "send_on_invoice": ["0", "1"],
            "send_on_charge": "0", "send_on_payment": "0", "send_on_refund": "0"}
    assert admin_client.post("/admin/config/main/email", data=form).status_code == 302
    with host.db.reading() as session:
        stored = session.execute(select(ModuleSetting).where(ModuleSetting.key == "smtp_password")).scalar_one()
    assert stored.encrypted and "hunter2" not in stored.value
    page = admin_client.get("/admin/config/main/email")
    assert b"hunter2" not in page.data and b"hidden encrypted value" in page.data
    done = admin_client.post("/admin/config/main/email/test", data={"test_to": "noc@isp.example"},
                             follow_redirects=True)
    assert b"The server answered: 250 2.0.0 Ok: queued as TEST1" in done.data
    assert len(smtp_server.inbox.messages) == 1


def test_a_bad_test_address_and_a_bad_port_are_refused_with_a_message(admin_client):
    done = admin_client.post("/admin/config/main/email/test", data={"test_to": "not an address"},
                             follow_redirects=True)
    assert b"Enter the e-mail address" in done.data
    bad = admin_client.post("/admin/config/main/email", data={"smtp_port": "99999", "smtp_security": "none"})
    assert bad.status_code == 422 and b"Must be at most 65535" in bad.data


def test_template_preview_with_a_real_customer_and_an_error_with_its_line(host, factory, admin_client, smtp_server):
    configure_mail(host, smtp_server.port)
    customer = factory.customer(name="Ada Lovelace")
    invoice = factory.invoice(customer, "12.34")
    listing = admin_client.get("/admin/config/templates")
    assert b"New invoice" in listing.data and b"Payment failed in a charge batch" in listing.data
    page = admin_client.get("/admin/config/templates/invoice_new")
    assert page.status_code == 200 and b"pay_links" in page.data
    preview = admin_client.post("/admin/config/templates/invoice_new/preview", data={
        "customer_id": str(customer.id), "subject": "Bill {{ document.number }}",
        "html": "<p>Dear {{ customer.name }}, pay {{ amount_due }}</p>", "text": ""})
    assert preview.status_code == 200
    assert f"Bill {invoice.number}".encode() in preview.data and b"Ada Lovelace" in preview.data
    assert preview.headers["Content-Security-Policy"].startswith("sandbox;")
    runtime = admin_client.post("/admin/config/templates/invoice_new/preview", data={
        "customer_id": str(customer.id), "subject": "Bill", "html": "<p>\n{{ customer.nope }}</p>", "text": ""})
    assert runtime.status_code == 422 and b"HTML body, line 2: " in runtime.data
    broken = admin_client.post("/admin/config/templates/invoice_new", data={
        "action": "save", "subject": "Bill", "html": "<p>ok</p>\n<p>{% for x in %}</p>", "text": ""})
    assert broken.status_code == 422 and b"Not saved: HTML body, line 2:" in broken.data
    saved = admin_client.post("/admin/config/templates/invoice_new", data={
        "action": "save", "subject": "Bill {{ document.number }}", "html": "<p>Hi</p>", "text": ""})
    assert saved.status_code == 302
    assert admin_client.get("/admin/config/templates/no_such").status_code == 404


def test_send_from_the_invoice_list_queues_and_the_log_shows_and_resends(host, factory, admin_client, smtp_server):
    configure_mail(host, smtp_server.port, send_on_invoice="0")
    first, second = factory.customer(), factory.customer(send_finance_notification=False)
    a, b = factory.invoice(first), factory.invoice(second)
    listing = admin_client.get("/admin/finance/invoices")
    assert b"Send by email" in listing.data
    confirm = admin_client.get(f"/admin/finance/invoice/send?ids={a.id},{b.id}")
    assert confirm.status_code == 200 and b"does not want finance e-mails" in confirm.data
    done = admin_client.post("/admin/finance/invoice/send", data={"ids": f"{a.id},{b.id}"})
    assert done.status_code == 200 and b"1 queued, 1 not sent" in done.data
    wait_for_jobs(host)  # the job the page started sends it
    ids = smtp_server.inbox.message_ids()
    assert len(ids) == 1
    with host.db.reading() as session:
        row = session.execute(select(MailMessage)).scalar_one()
    assert (row.status, row.message_id) == ("sent", ids[0])
    log = admin_client.get("/admin/logs/emails")
    assert row.to_address.encode() in log.data and b"250 2.0.0 Ok" in log.data
    view = admin_client.get(f"/admin/logs/emails/{row.id}")
    assert view.status_code == 200 and escape(row.message_id).encode() in view.data
    html = admin_client.get(f"/admin/logs/emails/{row.id}/html")
    assert "sandbox" in html.headers["Content-Security-Policy"]
    again = admin_client.post(f"/admin/logs/emails/{row.id}/resend")
    assert again.status_code == 302
    with host.db.reading() as session:
        assert session.execute(select(MailMessage.status).order_by(MailMessage.id)).scalars().all()[0] == "sent"
        assert len(session.execute(select(MailMessage)).scalars().all()) == 2
    assert admin_client.get("/admin/finance/invoice/send?ids=abc").status_code == 404


def test_the_customer_page_turns_finance_emails_off(host, factory, admin_client, smtp_server):
    configure_mail(host, smtp_server.port)
    customer = factory.customer()
    page = admin_client.get(f"/admin/customers/{customer.id}")
    assert b"Stop sending" in page.data
    done = admin_client.post(f"/admin/customers/{customer.id}/finance-notifications", data={"send": "0"},
                             follow_redirects=True)
    assert b"no longer gets finance e-mails" in done.data
    factory.invoice(customer)
    from hostapp.services.mail.service import MailService

    assert MailService(host).deliver().sent == [] and smtp_server.inbox.messages == []
