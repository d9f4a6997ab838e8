"""No card number or CVV in any table or any log line, whatever path the card took."""

from sqlalchemy import select

from hostapp.models import PaymentAccount
from splynx_testing import gateway as kit
from splynx_testing.fixtures import portal_login

PANS = ["4111111111111111", "5555555555554444", "4242424242424242", "378282246310005"]
CVVS = ["7193", "8642", "5317"]


def test_every_table_and_log_line_is_free_of_card_data(icharge_app, icharge_host, factory, sim):
    customer = factory.customer()
    invoices = [factory.invoice(customer, amount) for amount in ("30.00", "52.05", "12.00", "15.00", "16.00")]
    proforma = factory.proforma(factory.customer(), "20.00")
    client = portal_login(icharge_app, customer)
    stranger = icharge_app.test_client()
    card = {"holder": "Jane", "exp_month": "11", "exp_year": "2030"}
    with kit.captured_logs() as lines:
        client.post("/icharge/cards", data={"action": "add_card", "card_number": PANS[0], **card})
        typo = PANS[3][:-1] + "1"  # fails Luhn: refused before Xilo is called
        client.post("/icharge/cards", data={"action": "add_card", "card_number": typo, **card})
        with icharge_host.db.transaction() as session:
            (saved,) = session.execute(select(PaymentAccount.id)).scalars()
        client.post(f"/icharge/pay-invoice?item_id={invoices[0].id}", data={"account_id": saved})
        client.post(f"/icharge/pay-invoice?item_id={invoices[1].id}",
                    data={"account_id": "new", "card_number": PANS[1], "cvv": CVVS[2], "save_card": "1", **card})
        for doc, path in ((invoices[2], "invoice"), (invoices[3], "invoice"), (proforma, "proforma")):
            kit.confirm_document(stranger, f"/icharge/direct-pay-{path}?item_id={doc.number}", doc)
        sim.faults.arm("garbage", only="ProcessPayment")
        stranger.post(f"/icharge/direct-pay-invoice?item_id={invoices[2].number}",
                      data={"method": "card", "card_number": PANS[2], "cvv": CVVS[0], **card})
        sim.faults.arm("timeout_after_charge", only="ProcessPayment")
        stranger.post(f"/icharge/direct-pay-invoice?item_id={invoices[2].number}",
                      data={"method": "card", "card_number": PANS[2], "cvv": CVVS[1], **card})
        client.post(f"/icharge/pay-invoice?item_id={invoices[3].id}",
                    data={"account_id": "new", "card_number": PANS[2], "cvv": "12", **card})  # refused by the form
        intent = kit.form_intent(client.get("/icharge/").get_data(as_text=True))
        client.post("/icharge/", data={"account_id": "new", "amount": "5.00", "card_number": PANS[1],
                                       "cvv": CVVS[2], "save_card": "1", "intent": intent, **card})
        stranger.post(f"/icharge/direct-pay-proforma?item_id={proforma.number}",
                      data={"method": "card", "card_number": PANS[1], "cvv": CVVS[2], **card})
    text = "\n".join(lines)
    assert '"number":"************1111"' in text and '"cvv":"***"' in text, "the exchanges were logged, masked"
    assert [e["kind"] for e in sim.app.journal()].count("ProcessPayment") >= 5
    kit.assert_no_secrets(icharge_host.db, lines, numbers=PANS, codes=CVVS)
