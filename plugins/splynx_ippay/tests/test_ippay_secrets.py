"""No card number, CVV or bank account number in any table or any log line."""

from sqlalchemy import select

from hostapp.models import PaymentAccount
from splynx_testing import gateway as kit
from splynx_testing.fixtures import portal_login

PANS = ["4111111111111111", "5555555555554444", "4242424242424242", "378282246310005"]
CVVS = ["7193", "8642"]
ACCOUNTS = ["84736251", "99120034567"]


def test_every_table_and_log_line_is_free_of_card_data(ippay_app, ippay_host, factory, sim):
    customer = factory.customer()
    invoices = [factory.invoice(customer, amount) for amount in ("30.00", "52.05", "12.00", "15.00")]
    proforma = factory.proforma(factory.customer(), "20.00")
    client = portal_login(ippay_app, customer)
    stranger = ippay_app.test_client()
    with kit.captured_logs() as lines:
        for number in PANS[:2]:
            client.post("/ippay/credentials", data={"action": "add_card", "holder": "Tofu Beast",
                                                    "card_number": number, "exp_month": "12", "exp_year": "2031"})
        client.post("/ippay/credentials", data={"action": "add_bank", "first_name": "Mickey", "last_name": "Mouse",
                                                "account_number": ACCOUNTS[0], "routing_number": "071025661",
                                                "account_type": "CHECKING"})
        typo = PANS[3][:-1] + "1"  # fails Luhn: refused before IPpay is called
        client.post("/ippay/credentials", data={"action": "add_card", "holder": "Typo", "card_number": typo,
                                                "exp_month": "12", "exp_year": "2031"})
        with ippay_host.db.transaction() as session:
            account_ids = list(session.execute(select(PaymentAccount.id).order_by(PaymentAccount.id)).scalars())
        client.post(f"/ippay/pay-invoice?item_id={invoices[0].id}", data={"account_id": account_ids[0]})
        client.post(f"/ippay/pay-invoice?item_id={invoices[1].id}", data={"account_id": account_ids[1]})
        card = {"method": "card", "holder": "Jane", "exp_month": "11", "exp_year": "2030"}
        for doc, path in ((invoices[2], "invoice"), (invoices[3], "invoice"), (proforma, "proforma")):
            kit.confirm_document(stranger, f"/ippay/direct-pay-{path}?item_id={doc.number}", doc)
        sim.faults.arm("garbage", only="SALE")
        stranger.post(f"/ippay/direct-pay-invoice?item_id={invoices[2].number}",
                      data={**card, "card_number": PANS[2], "cvv": CVVS[0]})
        sim.faults.arm("timeout_after_charge", only="SALE")
        stranger.post(f"/ippay/direct-pay-invoice?item_id={invoices[2].number}",
                      data={**card, "card_number": PANS[2], "cvv": CVVS[1]})
        stranger.post(f"/ippay/direct-pay-invoice?item_id={invoices[3].number}",
                      data={**card, "card_number": PANS[2], "cvv": "12"})  # refused by the form
        stranger.post(f"/ippay/direct-pay-proforma?item_id={proforma.number}",
                      data={"method": "bank", "first_name": "A", "last_name": "B", "account_number": ACCOUNTS[1],
                            "routing_number": "071025661", "account_type": "SAVINGS"})
    text = "\n".join(lines)
    assert "CardNum" in text and "************1111" in text and "AccountNumber" in text, "the exchanges were logged"
    assert "<CVV2>***</CVV2>" in text
    assert [e["type"] for e in sim.app.journal()].count("SALE") >= 3
    kit.assert_no_secrets(ippay_host.db, lines, numbers=PANS + ACCOUNTS, codes=CVVS)
