"""Direct payment links: anyone may pay with typed details, saved ones need the host's signature."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from hostapp.models import Invoice, Payment, ProformaInvoice

CARD = {"method": "card", "holder": "Jane Payer", "card_number": "4242424242424242", "exp_month": "11",
        "exp_year": "2030", "cvv": "7193"}


def _signer(host):
    return host.direct_links


def test_signatures_bind_kind_document_and_expiry(host):
    signer = _signer(host)
    params = signer.sign("invoice", 7, days=1)
    assert signer.verify("invoice", 7, params["expires"], params["sig"])
    assert not signer.verify("invoice", 8, params["expires"], params["sig"])
    assert not signer.verify("proforma", 7, params["expires"], params["sig"])
    assert not signer.verify("invoice", 7, str(int(params["expires"]) + 1), params["sig"])
    assert not signer.verify("invoice", 7, params["expires"], None)
    old = signer.sign("invoice", 7, days=1, now=0)
    assert not signer.verify("invoice", 7, old["expires"], old["sig"])
    assert _signer(host).signature("invoice", 7, 1) == signer.signature("invoice", 7, 1)  # key kept on disk
    with pytest.raises(ValueError):
        signer.sign("order", 7)


def test_stranger_with_an_invoice_number_cannot_use_saved_credentials(ippay_app, ippay_host, factory, add_card, sim):
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "30.00")
    stranger = ippay_app.test_client()
    page = stranger.get(f"/ippay/direct-pay-invoice?item_id={invoice.number}").get_data(as_text=True)
    assert "Total to pay" in page and "30.00" in page
    assert "Pay by your saved card" not in page and "Visa ending 1111" not in page
    forged = stranger.post(f"/ippay/direct-pay-invoice?item_id={invoice.number}&expires=9999999999&sig=forged",
                           data={"method": "saved", "account_id": account.id}).get_data(as_text=True)
    assert "Choose how to pay." in forged
    assert [e["type"] for e in sim.app.journal()] == ["TOKENIZE"]
    with ippay_host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).status == "not_paid"


def test_signed_link_pays_with_the_saved_card(ippay_app, ippay_host, factory, add_card):
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "30.00")
    url = _signer(ippay_host).url("/ippay/direct-pay-invoice-by-id", "invoice", invoice.id, invoice.id)
    client = ippay_app.test_client()
    assert "Visa ending 1111" in client.get(url).get_data(as_text=True)
    done = client.post(url, data={"method": "saved", "account_id": account.id}).get_data(as_text=True)
    assert "Success! Your transaction has been successfully processed." in done
    with ippay_host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).status == "paid"


def test_anyone_can_pay_with_a_typed_card_without_storing_it(ippay_app, ippay_host, factory, sim):
    invoice = factory.invoice(factory.customer(), "30.00")
    client = ippay_app.test_client()
    bad = client.post(f"/ippay/direct-pay-invoice?item_id={invoice.number}", data={**CARD, "cvv": ""})
    assert bad.status_code == 422 and "security code" in bad.get_data(as_text=True)
    assert "4242424242424242" not in bad.get_data(as_text=True)
    done = client.post(f"/ippay/direct-pay-invoice?item_id={invoice.number}", data=CARD).get_data(as_text=True)
    assert "Success!" in done
    with ippay_host.db.transaction() as s:
        payment = s.execute(select(Payment).where(Payment.invoice_id == invoice.id)).scalar_one()
        assert payment.field_3 == "Visa ending 4242" and payment.amount == Decimal("30.00")
    assert [e["type"] for e in sim.app.journal()] == ["SALE"]
    assert "nothing to pay" in client.get(f"/ippay/direct-pay-invoice?item_id={invoice.number}").get_data(
        as_text=True)


def test_proforma_links_by_number_and_id_and_a_bank_account(ippay_app, ippay_host, factory):
    proforma = factory.proforma(factory.customer(), "50.00")
    client = ippay_app.test_client()
    assert client.get(f"/ippay/direct-pay-proforma-by-id?item_id={proforma.id}").status_code == 200
    done = client.post(f"/ippay/direct-pay-proforma?item_id={proforma.number}", data={
        "method": "bank", "first_name": "Jane", "last_name": "Payer", "account_number": "84736251",
        "routing_number": "071025661", "account_type": "CHECKING"}).get_data(as_text=True)
    assert "Success!" in done
    with ippay_host.db.transaction() as s:
        assert s.get(ProformaInvoice, proforma.id).status == "paid"


def test_unknown_or_deleted_documents_are_not_found(ippay_app, factory):
    client = ippay_app.test_client()
    assert client.get("/ippay/direct-pay-invoice?item_id=nope").status_code == 404
    assert client.get("/ippay/direct-pay-invoice-by-id?item_id=999").status_code == 404
    assert client.get("/ippay/direct-pay-invoice-by-id?item_id=99999999999999999999").status_code == 404
    deleted = factory.invoice(factory.customer(), status="deleted")
    assert client.get(f"/ippay/direct-pay-invoice-by-id?item_id={deleted.id}").status_code == 404


def test_the_owner_logged_in_to_the_portal_pays_a_plain_link_with_the_saved_card(ippay_app, ippay_host, factory,
                                                                                  add_card, sim):
    from tests.fixtures import portal_login

    owner = factory.customer()
    account = add_card(owner)
    invoice = factory.invoice(owner, "29.90")
    link = f"/ippay/direct-pay-invoice?item_id={invoice.number}"
    neighbour = portal_login(ippay_app, factory.customer())
    assert "Visa ending 1111" not in neighbour.get(link).get_data(as_text=True)
    refused = neighbour.post(link, data={"method": "saved", "account_id": account.id}).get_data(as_text=True)
    assert "Choose how to pay." in refused

    client = portal_login(ippay_app, owner)
    assert "Visa ending 1111" in client.get(link).get_data(as_text=True)
    done = client.post(link, data={"method": "saved", "account_id": account.id}).get_data(as_text=True)
    assert "Success! Your transaction has been successfully processed. Amount: <b>29.90 $</b>." in done
    assert [e["type"] for e in sim.app.journal()] == ["TOKENIZE", "SALE"]
    with ippay_host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).status == "paid"


def test_links_use_the_public_url_or_else_the_address_of_the_request(ippay_app, ippay_host, factory, monkeypatch):
    from dataclasses import replace

    from splynx_ippay.settings import load_settings

    from core.gateway.pages import GatewayPages, Quote

    invoice = factory.invoice(factory.customer(), "30.00")
    pages = GatewayPages("ippay", "/ippay", (("card", "Credit card"),), load_settings)
    config = ippay_host.config
    for public, expected in (("", "http://isp.test:8120/ippay/"), ("https://pay.isp.example",
                                                                   "https://pay.isp.example/ippay/")):
        monkeypatch.setattr(ippay_host, "config", replace(config, public_url=public))
        with ippay_app.test_request_context("/admin/", base_url="http://isp.test:8120"):
            session = ippay_host.db.session
            found = session.get(Invoice, invoice.id)
            quote = Quote("invoice", found, load_settings(ippay_host, session, None), Decimal(0), found.due)
            links = pages.direct_links(quote)
        assert [url.split("?")[0] for _, url in links] == [expected + "direct-pay-invoice",
                                                          expected + "direct-pay-invoice-by-id"]
