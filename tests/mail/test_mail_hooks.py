"""The add-on API's e-mail hooks: templates an add-on adds, variables and payment links it puts in."""

from __future__ import annotations

import pytest

from hostapp.models import Customer, Invoice
from hostapp.services.mail.service import MailService, Subject
from tests.plugins import widgets


@pytest.fixture
def mail_widgets(host, install_addon):
    widgets.MAIL.update({"values": {"points": 7}, "raise": None})
    install_addon(widgets)
    yield host
    widgets.MAIL["raise"] = None


def test_hook_splynx_mail_templates(mail_widgets, factory, admin_client):
    host = mail_widgets
    service = MailService(host)
    assert service.templates.available()["widgets_digest"].title == "Widget digest"
    assert b"Widget digest" in admin_client.get("/admin/config/templates").data
    customer = factory.customer(name="Ada")
    with host.db.reading() as session:
        done = service.render(session, "widgets_digest", Subject(session.get(Customer, customer.id)))
    assert (done.subject, done.html) == ("Digest for Ada", "<p>7 widget points</p>")
    assert done.text.strip() == "7 widget points"


def test_hook_splynx_mail_variables__pay_links_and_values(mail_widgets, factory):
    host = mail_widgets
    customer = factory.customer()
    invoice = factory.invoice(customer)
    template = "{% for l in pay_links %}{{ l.title }}={{ l.url }};{% endfor %}{{ addons.widgets.points }}"
    with host.db.reading() as session:
        subject = Subject(session.get(Customer, customer.id), session.get(Invoice, invoice.id))
        base = MailService(host).templates.effective(session, "invoice_new", None)
        draft = type(base)("invoice_new", base.title, "x", template, template)
        done = MailService(host).render(session, "invoice_new", subject, template=draft)
    assert done.text == f"Pay with widgets=https://pay.example/{customer.id}?sig=ABCDEFGHIJKLMNOP;7"


def test_hook_splynx_mail_variables__fail_soft_and_only_while_enabled(mail_widgets, factory):
    host = mail_widgets
    customer = factory.customer()
    template = "{{ pay_links|length }}{{ addons|length }}"

    def render() -> str:
        with host.db.reading() as session:
            base = MailService(host).templates.effective(session, "payment_received", None)
            draft = type(base)(base.key, base.title, "x", template, template)
            return MailService(host).render(session, base.key, Subject(session.get(Customer, customer.id)),
                                            template=draft).text

    assert render() == "11"
    widgets.MAIL["raise"] = RuntimeError("broken add-on")
    assert render() == "00"  # the message still renders, without that add-on's variables
    assert host.addons.ui_errors["widgets"] == "splynx_mail_variables: RuntimeError: broken add-on"
    widgets.MAIL["raise"] = None
    host.registry.set_enabled("widgets", False, "test")
    assert render() == "00"  # a disabled module is not asked
