"""Direct payment links: the document's holder pays with a typed card, saved cards need the host's signature."""

from decimal import Decimal

from sqlalchemy import select

from hostapp.models import Invoice, Payment, PaymentAccount, ProformaInvoice
from splynx_testing.gateway import confirm_document

CARD = {"method": "card", "holder": "Jane Payer", "card_number": "4242424242424242", "exp_month": "11",
        "exp_year": "2030", "cvv": "7193"}


def test_stranger_with_an_invoice_number_cannot_use_saved_cards(icharge_app, icharge_host, factory, add_card, sim):
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "30.00")
    stranger = icharge_app.test_client()
    confirm_document(stranger, f"/icharge/direct-pay-invoice?item_id={invoice.number}", invoice)
    page = stranger.get(f"/icharge/direct-pay-invoice?item_id={invoice.number}").get_data(as_text=True)
    assert "Total to pay" in page and "30.00" in page and "Visa ending 1111" not in page
    forged = stranger.post(f"/icharge/direct-pay-invoice?item_id={invoice.number}&expires=9999999999&sig=forged",
                           data={"method": "saved", "account_id": account.id}).get_data(as_text=True)
    assert "Choose how to pay." in forged
    assert [e["kind"] for e in sim.app.journal()] == ["CreateToken"]
    with icharge_host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).status == "not_paid"


def test_signed_link_pays_with_the_saved_card(icharge_app, icharge_host, factory, add_card):
    customer = factory.customer()
    account = add_card(customer)
    invoice = factory.invoice(customer, "30.00")
    url = icharge_host.direct_links.url("/icharge/direct-pay-invoice-by-id", "invoice", invoice.id,
                                                 invoice.id)
    client = icharge_app.test_client()
    assert "Visa ending 1111" in client.get(url).get_data(as_text=True)
    done = client.post(url, data={"method": "saved", "account_id": account.id}).get_data(as_text=True)
    assert "Success! Your transaction has been successfully processed." in done
    with icharge_host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).status == "paid"


def test_anyone_can_pay_with_a_typed_card_which_is_never_kept(icharge_app, icharge_host, factory, sim):
    customer = factory.customer()
    invoice = factory.invoice(customer, "30.00")
    client = icharge_app.test_client()
    confirm_document(client, f"/icharge/direct-pay-invoice?item_id={invoice.number}", invoice)
    bad = client.post(f"/icharge/direct-pay-invoice?item_id={invoice.number}", data={**CARD, "cvv": ""})
    assert bad.status_code == 422 and "security code" in bad.get_data(as_text=True)
    assert "4242424242424242" not in bad.get_data(as_text=True)
    done = client.post(f"/icharge/direct-pay-invoice?item_id={invoice.number}",
                       data={**CARD, "save_card": "1"}).get_data(as_text=True)
    assert "Success!" in done
    with icharge_host.db.transaction() as s:
        payment = s.execute(select(Payment).where(Payment.invoice_id == invoice.id)).scalar_one()
        assert payment.field_3 == "Visa ending 4242" and payment.amount == Decimal("30.00")
        assert s.execute(select(PaymentAccount)).first() is None, "a stranger's card is never saved"
    assert "nothing to pay" in client.get(f"/icharge/direct-pay-invoice?item_id={invoice.number}").get_data(
        as_text=True)


def test_proforma_links_and_unknown_documents_ask_the_same_question(icharge_app, icharge_host, factory):
    proforma = factory.proforma(factory.customer(), "50.00")
    client = icharge_app.test_client()
    assert "Confirm your proforma invoice" in client.get(
        f"/icharge/direct-pay-proforma-by-id?item_id={proforma.id}").get_data(as_text=True)
    confirm_document(client, f"/icharge/direct-pay-proforma-by-id?item_id={proforma.id}", proforma)
    done = client.post(f"/icharge/direct-pay-proforma?item_id={proforma.number}", data=CARD).get_data(as_text=True)
    assert "Success!" in done
    with icharge_host.db.transaction() as s:
        assert s.get(ProformaInvoice, proforma.id).status == "paid"
    for unknown in ("/icharge/direct-pay-invoice?item_id=nope",
                    "/icharge/direct-pay-invoice-by-id?item_id=99999999999999999999"):
        assert "Confirm your invoice" in client.get(unknown).get_data(as_text=True)
