"""Direct payment links: the document's holder pays with typed details, saved ones need the host's signature."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from hostapp.models import Invoice, Payment, ProformaInvoice
from splynx_testing.fixtures import portal_login
from splynx_testing.gateway import confirm_document

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
    url = f"/ippay/direct-pay-invoice?item_id={invoice.number}"
    confirm_document(stranger, url, invoice)
    page = stranger.get(url).get_data(as_text=True)
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
    confirm_document(client, f"/ippay/direct-pay-invoice?item_id={invoice.number}", invoice)
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
    confirm_document(client, f"/ippay/direct-pay-proforma-by-id?item_id={proforma.id}", proforma)
    assert "Total to pay" in client.get(f"/ippay/direct-pay-proforma-by-id?item_id={proforma.id}").get_data(
        as_text=True)
    confirm_document(client, f"/ippay/direct-pay-proforma?item_id={proforma.number}", proforma)
    done = client.post(f"/ippay/direct-pay-proforma?item_id={proforma.number}", data={
        "method": "bank", "first_name": "Jane", "last_name": "Payer", "account_number": "84736251",
        "routing_number": "071025661", "account_type": "CHECKING"}).get_data(as_text=True)
    assert "Success!" in done
    with ippay_host.db.transaction() as s:
        assert s.get(ProformaInvoice, proforma.id).status == "paid"


def test_an_anonymous_visitor_sees_nothing_of_a_document_until_they_prove_they_hold_it(ippay_app, factory):
    invoice = factory.invoice(factory.customer(), "30.00")
    deleted = factory.invoice(factory.customer(), "40.00", status="deleted")
    client = ippay_app.test_client()
    pages = [client.get(f"/ippay/direct-pay-invoice-by-id?item_id={item}") for item in
             (invoice.id, deleted.id, 999, "99999999999999999999", "nope")]
    assert {page.status_code for page in pages} == {200}
    for page in pages:  # the same question whether the document exists or not
        text = page.get_data(as_text=True)
        assert "Confirm your invoice" in text and invoice.number not in text and "30.00" not in text
    by_id = f"/ippay/direct-pay-invoice-by-id?item_id={invoice.id}"
    wrong = client.post(by_id, data={"step": "confirm", "number": invoice.number, "total": "31.00"})
    assert wrong.status_code == 422 and "No invoice has this number and total." in wrong.get_data(as_text=True)
    paying = client.post(by_id, data={"step": "confirm", "method": "card", **CARD})  # no proof: nothing charged
    assert paying.status_code == 422 and "Total to pay" not in paying.get_data(as_text=True)
    confirm_document(client, by_id, invoice)
    assert "Total to pay" in client.get(by_id).get_data(as_text=True)
    assert client.post(f"/ippay/direct-pay-invoice-by-id?item_id={deleted.id}", data={
        "step": "confirm", "number": deleted.number, "total": "40.00"}).status_code == 422


def test_wrong_answers_are_throttled_per_address_with_the_wait(ippay_app, factory):
    invoice = factory.invoice(factory.customer(), "30.00")
    client = ippay_app.test_client()
    url = f"/ippay/direct-pay-invoice?item_id={invoice.number}"
    codes = [client.post(url, data={"step": "confirm", "total": f"{guess}.00"}).status_code for guess in range(1, 12)]
    assert codes == [422] * 10 + [429]
    refused = client.post(url, data={"step": "confirm", "total": "30.00"})  # even the right answer waits
    assert refused.status_code == 429 and "Try again in" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 60


def test_the_logged_in_owner_sees_the_document_at_once(ippay_app, factory, add_card):
    customer = factory.customer()
    add_card(customer)
    invoice = factory.invoice(customer, "30.00")
    owner = portal_login(ippay_app, customer)
    page = owner.get(f"/ippay/direct-pay-invoice-by-id?item_id={invoice.id}").get_data(as_text=True)
    assert "Total to pay" in page and "Visa ending 1111" in page
    other = portal_login(ippay_app, factory.customer())
    assert "Confirm your invoice" in other.get(f"/ippay/direct-pay-invoice-by-id?item_id={invoice.id}").get_data(
        as_text=True)


def test_pay_pages_send_no_referrer(ippay_app, factory):
    invoice = factory.invoice(factory.customer(), "30.00")
    answer = ippay_app.test_client().get(f"/ippay/direct-pay-invoice?item_id={invoice.number}&expires=1&sig=x")
    assert answer.headers["Referrer-Policy"] == "no-referrer" and answer.headers["Cache-Control"] == "no-store"


def test_card_attempts_on_a_pay_page_are_throttled_per_address(ippay_app, factory, sim):
    invoice = factory.invoice(factory.customer(), "30.00")
    client = ippay_app.test_client()
    url = f"/ippay/direct-pay-invoice?item_id={invoice.number}"
    confirm_document(client, url, invoice)
    codes = [client.post(url, data={**CARD, "cvv": ""}).status_code for _ in range(11)]  # refused by the form
    assert codes == [422] * 10 + [429]
    refused = client.post(url, data=CARD)
    assert refused.status_code == 429 and "Try again in" in refused.get_data(as_text=True)
    assert sim.app.journal() == []  # nothing reached the gateway


def test_the_owner_logged_in_to_the_portal_pays_a_plain_link_with_the_saved_card(ippay_app, ippay_host, factory,
                                                                                  add_card, sim):
    from splynx_testing.fixtures import portal_login

    owner = factory.customer()
    account = add_card(owner)
    invoice = factory.invoice(owner, "29.90")
    link = f"/ippay/direct-pay-invoice?item_id={invoice.number}"
    neighbour = portal_login(ippay_app, factory.customer())
    assert "Visa ending 1111" not in neighbour.get(link).get_data(as_text=True)
    refused = neighbour.post(link, data={"method": "saved", "account_id": account.id}).get_data(as_text=True)
    assert "Confirm your invoice" in refused and "Success!" not in refused  # a stranger must prove they hold it

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
