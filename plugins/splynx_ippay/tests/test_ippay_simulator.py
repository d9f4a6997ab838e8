"""The simulator copies the IPpay test system; faults are switchable over HTTP."""

import json
import subprocess
import sys
import time

import pytest
import requests

from core.gateway.cards import Expiry
from core.gateway.transport import BadAnswer, ConnectionDropped, NotSent, ReadTimedOut
from splynx_ippay.client import BankDetails, CardDetails, GatewayConfig, IppayClient
from splynx_ippay.simulator.rules import make_token

CARD = CardDetails("4000300020001000", Expiry(12, 2031), "Tofu Beast", "123")


@pytest.fixture
def client(sim):
    c = IppayClient(GatewayConfig(sim.url, "TESTTERMINAL", read_timeout=1, connect_timeout=1))
    yield c
    c.transport.close()


def test_ping_and_unknown_terminal(sim, client):
    assert client.ping().text == "PING"
    other = IppayClient(GatewayConfig(sim.url, "NOSUCHTERMINAL"))
    assert other.ping().action_code == "996"


@pytest.mark.parametrize("cents, code", [(9900, "000"), (5205, "005"), (1051, "051"), (3000, "000"), (1054, "054"),
                                         (110, "000"), (107, "007"), (2990, "000"), (3990, "000"),
                                         (4995, "000"), (1282, "082")])
def test_amount_cents_pick_the_result(client, cents, code):
    answer = client.sale(f"CENTS{cents:013d}", cents, card=CARD)
    assert answer.action_code == code
    assert (answer.approval.startswith("TEST") and answer.fields["CVV2"] == "P") if code == "000" \
        else answer.fields["ResponseText"] == "DECLINED"


def test_luhn_failure_expired_card_and_bad_amount(client):
    bad = CardDetails("4111111111111112", Expiry(12, 2031))
    assert (client.sale("LUHN00000000000001", 1000, card=bad).action_code,
            client.sale("LUHN00000000000001", 1000, card=bad).text) == ("900", "Invalid card number.")
    expired = CardDetails("4111111111111111", Expiry(1, 2020))
    assert client.sale("EXPIRED00000000001", 1000, card=expired).action_code == "054"
    assert client.send("SALE", {"TransactionID": "ZERO00000000000001", "CardNum": CARD.number,
                                "CardExpMonth": "12", "CardExpYear": "31", "TotalAmount": "0"}).action_code == "920"


def test_tokens_are_format_preserving_deterministic_and_usable(client):
    first = client.tokenize_card(CARD)
    assert first.root == "IPPayResponse" and first.text == "TOKENIZED"
    assert first.token == client.tokenize_card(CARD).token == make_token("TESTTERMINAL", CARD.number)
    assert len(first.token) == 16 and first.token[0] == "4" and first.token.endswith("1000")
    assert not first.token.isdigit()
    assert client.sale("TOKEN0000000000001", 3000, token=first.token).approved
    assert client.sale("TOKEN0000000000002", 3000, token="4ZZZZZZZZZZZ1000").action_code == "940"


def test_bank_tokens_and_checks(client):
    bank = BankDetails("84736251", "071025661", "CHECKING", "Mickey Mouse")
    token = client.tokenize_bank(bank).token
    assert token.endswith("6251")
    answer = client.check("ACH000000000000001", 1399, holder="Mickey Mouse", ach_type="SAVINGS", sec="PPD",
                          token=token)
    assert (answer.action_code, answer.approval, answer.text) == ("000", "000000", "CHECK ACCEPTED")
    wrong_aba = BankDetails("84736251", "071025662", "CHECKING", "Mickey Mouse")
    assert client.tokenize_bank(wrong_aba).action_code == "923"
    assert client.send("VOIDACH", {"TransactionID": "ACH000000000000001"}).text.startswith("VOIDACH transactions")


def test_enq_duplicates_credit_and_void(client):
    assert client.enq("NEVERSENT000000001").action_code == "025"
    sale = client.sale("SALE00000000000001", 5000, card=CARD)
    assert client.sale("SALE00000000000001", 5000, card=CARD).action_code == "094"
    found = client.enq("SALE00000000000001")
    assert (found.transaction_id, found.action_code, found.approval) == ("SALE00000000000001", "000", sale.approval)
    assert client.credit("SALE00000000000001", 2000).text == "RETURN ACCEPTED"
    assert client.credit("SALE00000000000001", 3001).action_code == "943"
    assert client.credit("SALE00000000000001", 3000).approved
    assert client.credit("NEVERSENT000000001", 100).action_code == "025"
    other = client.sale("SALE00000000000002", 5000, card=CARD)
    assert client.void("SALE00000000000002", "WRONG1", 5000).action_code == "076"
    assert client.void("SALE00000000000002", other.approval, 5000).text == "VOID PROCESSED"
    assert client.credit("SALE00000000000002", 100).action_code == "942"


def test_refunds_follow_the_specification(client):
    """§1.9: follow-on operations echo the original TransactionID; new transactions are unique and ENQ finds them."""
    token = client.tokenize_card(CARD).token
    client.sale("SALE00000000000003", 5000, token=token)
    linked = client.credit("sale00000000000003", 1000)  # TransactionID is case-insensitive
    assert (linked.transaction_id, linked.text) == ("SALE00000000000003", "RETURN ACCEPTED")
    unlinked = client.credit_by_token("REFUND000000000001", token, 700)
    assert (unlinked.transaction_id, unlinked.approved) == ("REFUND000000000001", True)
    assert client.credit_by_token("REFUND000000000001", token, 700).action_code == "094", "reused id refused"
    assert client.sale("REFUND000000000001", 700, token=token).action_code == "094"
    found = client.enq("REFUND000000000001")
    assert (found.transaction_id, found.approval, found.text) == ("REFUND000000000001", unlinked.approval,
                                                                  "RETURN ACCEPTED")
    bank = client.tokenize_bank(BankDetails("84736251", "071025661", "CHECKING", "Mickey Mouse")).token
    reversal = client.check("REVERSAL0000000001", 1399, holder="Mickey Mouse", ach_type="CHECKING", sec="PPD",
                            token=bank, transaction_type="REVERSAL")
    assert client.enq("REVERSAL0000000001").approval == reversal.approval == "000000"
    captured = client.send("AUTHONLY", {"TransactionID": "AUTH00000000000001", "Token": token, "TotalAmount": "900"})
    capture = client.send("CAPT", {"TransactionID": "AUTH00000000000001", "TotalAmount": "900"})
    assert (capture.transaction_id, capture.approval) == ("AUTH00000000000001", captured.approval)


def test_legacy_jetpay_root_and_any_element_order_are_accepted(sim):
    body = (b"<JetPay><TotalAmount>3000</TotalAmount><CardExpYear>31</CardExpYear><CardExpMonth>12</CardExpMonth>"
            b"<CardNum>4111111111111111</CardNum><TransactionID>JETPAY000000000001</TransactionID>"
            b"<TerminalID>TESTTERMINAL</TerminalID><TransactionType>SALE</TransactionType></JetPay>")
    answer = requests.post(sim.url, data=body, timeout=5)
    assert answer.status_code == 200 and b"<ActionCode>000</ActionCode>" in answer.content
    assert requests.get(sim.url, timeout=5).status_code == 405


def test_faults_are_armed_over_http_and_each_failure_has_its_class(sim, client):
    admin = sim.base_url + "/_sim/faults"
    for fault, error in (("http_5xx", BadAnswer), ("garbage", BadAnswer), ("drop", ConnectionDropped),
                         ("timeout_after_charge", ReadTimedOut)):
        assert requests.post(admin, data=json.dumps({"fault": fault, "only": "PING"}), timeout=5).status_code == 201
        with pytest.raises(error):
            client.ping()
    assert requests.post(admin, data=json.dumps({"fault": "nonsense"}), timeout=5).status_code == 400
    requests.post(admin, data=json.dumps({"fault": "http_5xx", "times": None}), timeout=5)
    assert requests.get(admin, timeout=5).json()[0]["fault"] == "http_5xx"
    requests.delete(admin, timeout=5)
    assert client.ping().approved
    with pytest.raises(NotSent):
        IppayClient(GatewayConfig("http://127.0.0.1:9/ippay", "TESTTERMINAL", connect_timeout=1)).ping()


def test_one_session_is_reused_for_every_request(sim, client):
    session = client.transport.session
    for _ in range(3):
        client.ping()
    assert client.transport.session is session
    assert all(adapter.max_retries.total == 0 for adapter in session.adapters.values())


def test_runs_from_the_command_line(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "splynx_ippay.simulator", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        client = IppayClient(GatewayConfig(f"http://127.0.0.1:{port}/ippay", "TESTTERMINAL", connect_timeout=1))
        for _ in range(50):
            try:
                assert client.ping().text == "PING"
                break
            except NotSent:
                time.sleep(0.1)
        else:
            pytest.fail("the simulator did not start")
    finally:
        proc.terminate()
        proc.wait(5)
