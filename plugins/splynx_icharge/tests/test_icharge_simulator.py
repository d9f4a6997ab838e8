"""The simulated xServ speaks the REST/JSON proposal; the xServ class reads it (real HTTP)."""

import base64
import json
import subprocess
import sys
import time

import pytest
import requests

from core.gateway.cards import CardDetails, Expiry
from core.gateway.resolver import LookupRefused
from core.gateway.transport import AlreadyReceived, BadAnswer, ConnectionDropped, NotSent, ReadTimedOut
from splynx_icharge import simulator
from splynx_icharge.xserv import Refused, XservApi, XservConfig

CARD = CardDetails("4111111111111111", Expiry(12, 2031), "Tofu Beast", "123")


@pytest.fixture
def api(sim):
    a = XservApi(XservConfig(sim.url, simulator.TEST_MERCHANT, simulator.TEST_API_KEY, 1, 1))
    yield a
    a.transport.close()


def _card(number, cvv="123"):
    return CardDetails(number, Expiry(12, 2031), "Tofu Beast", cvv)


@pytest.mark.parametrize("number, cents, status, code", [
    ("4111111111111111", 4995, "approved", "00"), ("4242424242424242", 100, "approved", "00"),
    ("5555555555554444", 100, "approved", "00"), ("2223003122003222", 100, "approved", "00"),
    ("378282246310005", 100, "approved", "00"), ("4000000000000002", 100, "declined", "05"),
    ("4000000000009995", 100, "declined", "51"), ("4000000000000069", 100, "declined", "54"),
    ("4000000000000127", 100, "declined", "82"), ("4000000000000119", 100, "error", "96"),
    ("4111111111111111", 5251, "declined", "51"), ("4111111111111111", 5205, "declined", "05"),
])
def test_test_cards_and_cents_pick_the_result(api, number, cents, status, code):
    payment = api.process_payment(f"K-{number}-{cents}", cents, "AUD", reference=f"R-{number}-{cents}",
                                  card=_card(number))
    assert (payment.status, payment.response_code, payment.approved) == (status, code, status == "approved")
    assert payment.card.last4 == number[-4:] and payment.amount == cents
    assert bool(payment.auth_code) is (status == "approved")


def test_cvv_mismatch_card_needs_a_cvv_and_tokens_remember_behaviour_not_numbers(api, sim):
    assert api.process_payment("A1", 100, "AUD", reference="A1", card=_card("4000000000000127", "")).approved
    token = api.create_token(_card("4000000000009995"), "CUST-1")
    assert (token.card.brand, token.card.last4, token.card.expiry) == ("visa", "9995", "12/2031")
    assert api.process_payment("A2", 100, "AUD", reference="A2", token=token.token).response_code == "51"
    stored = repr(sim.app.merchants[simulator.TEST_MERCHANT].tokens)
    assert "4000000000009995" not in stored and "4000000000009995" not in json.dumps(sim.app.journal())


def test_store_card_returns_a_token_only_when_approved(api):
    approved = api.process_payment("S1", 100, "AUD", reference="S1", card=_card("5555555555554444"), store_card=True)
    declined = api.process_payment("S2", 100, "AUD", reference="S2", card=_card("4000000000000002"), store_card=True)
    assert approved.token.startswith("tok_") and approved.card.brand_name == "Mastercard"
    assert declined.token == ""


def test_validation_errors_are_refused_and_not_kept(api):
    with pytest.raises(Refused) as bad_luhn:
        api.process_payment("V1", 100, "AUD", reference="V1", card=_card("4111111111111112"))
    assert (bad_luhn.value.error.status, bad_luhn.value.error.code) == (400, "invalid_card_number")
    with pytest.raises(Refused) as bad_amount:
        api.process_payment("V2", 0, "AUD", reference="V2", card=CARD)
    assert bad_amount.value.error.code == "invalid_amount"
    with pytest.raises(Refused):
        api.process_payment("V3", 100, "AUD", reference="V3", token="tok_nope")
    # the same key with a valid body is processed: refused requests are not stored
    assert api.process_payment("V1", 100, "AUD", reference="V1", card=CARD).approved


def test_idempotency_key_replays_and_refuses_another_body(api, sim):
    first = api.process_payment("IDEM-1", 100, "AUD", reference="I1", card=CARD)
    again = api.process_payment("IDEM-1", 100, "AUD", reference="I1", card=CARD)
    assert again.id == first.id and again.replayed and not first.replayed
    with pytest.raises(AlreadyReceived, match="idempotency_key_reused"):
        api.process_payment("IDEM-1", 200, "AUD", reference="I1", card=CARD)
    with pytest.raises(AlreadyReceived, match="duplicate_reference"):
        api.process_payment("IDEM-2", 100, "AUD", reference="I1", card=CARD)
    assert [e["replayed"] for e in sim.app.journal() if e["kind"] == "ProcessPayment"] == [False, True]


def test_transaction_status_by_reference(api):
    assert api.transaction_status("nothing-yet") is None
    declined = api.process_payment("T1", 5205, "AUD", reference="T1", card=CARD)
    assert api.transaction_status("T1") == declined


def test_refunds_are_replayed_by_key_and_found_by_reference(api, sim):
    payment = api.process_payment("P1", 3000, "AUD", reference="P1", card=CARD)
    assert api.refund_status(payment.id, "R1") is None
    refund = api.process_refund(payment.id, "R1", 1000)
    assert (refund.payment_id, refund.amount, refund.reference, refund.approved) == (payment.id, 1000, "R1", True)
    assert api.process_refund(payment.id, "R1", 1000) == refund, "the same key replays, never refunds twice"
    assert api.refund_status(payment.id, "R1") == refund
    with pytest.raises(Refused) as refused:
        api.process_refund(payment.id, "R2", 2001)
    assert refused.value.error.code == "amount_exceeds_refundable"
    with pytest.raises(LookupRefused):
        api.refund_status("pay_missing", "R1")
    refunds = [e for e in sim.app.journal() if e["kind"] == "ProcessRefund"]
    assert [(e["amount"], e["replayed"]) for e in refunds] == [(1000, False), (1000, True), (None, False)]


def test_tokens_can_be_deleted_and_unknown_ones_count_as_gone(api, sim):
    token = api.create_token(CARD, "CUST-7")
    api.delete_token(token.token)
    api.delete_token(token.token)
    assert sim.app.merchants[simulator.TEST_MERCHANT].tokens == {}


def test_credentials_and_source_addresses_are_checked(sim):
    wrong = XservApi(XservConfig(sim.url, simulator.TEST_MERCHANT, "sk_wrong"))
    with pytest.raises(Refused) as info:
        wrong.ping()
    assert (info.value.error.status, info.value.error.code) == (401, "unauthorized")
    with pytest.raises(LookupRefused):
        wrong.transaction_status("T1")
    with simulator.start(allowed_ips=("203.0.113.10",)) as fenced:
        api = XservApi(XservConfig(fenced.url, simulator.TEST_MERCHANT, simulator.TEST_API_KEY))
        with pytest.raises(Refused) as blocked:
            api.account_status()
    assert blocked.value.error.code == "ip_not_allowed" and "127.0.0.1" in blocked.value.error.message


def test_raw_wire_format(sim):
    """What a request and an answer look like on the wire (the proposal, §2.3)."""
    auth = base64.b64encode(f"{simulator.TEST_MERCHANT}:{simulator.TEST_API_KEY}".encode()).decode()
    headers = {"Authorization": f"Basic {auth}", "Content-Type": "application/json"}
    body = {"amount": 4995, "currency": "AUD", "reference": "INV-1001", "card": {
        "number": "4111111111111111", "exp_month": 12, "exp_year": 2031, "cvv": "123", "holder_name": "Tofu Beast"}}
    missing_key = requests.post(sim.url + "/payments", json=body, headers=headers, timeout=5)
    assert missing_key.status_code == 400 and missing_key.json()["error"]["code"] == "invalid_request"
    answer = requests.post(sim.url + "/payments", json=body, headers={**headers, "Idempotency-Key": "k-1"}, timeout=5)
    assert answer.status_code == 201
    payment = answer.json()
    assert {k: payment[k] for k in ("object", "status", "approved", "response_code", "amount", "currency",
                                    "reference")} == {"object": "payment", "status": "approved", "approved": True,
                                                      "response_code": "00", "amount": 4995, "currency": "AUD",
                                                      "reference": "INV-1001"}
    assert payment["card"] == {"brand": "visa", "last4": "1111", "exp_month": 12, "exp_year": 2031,
                               "holder_name": "Tofu Beast"}
    replay = requests.post(sim.url + "/payments", json=body, headers={**headers, "Idempotency-Key": "k-1"}, timeout=5)
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json()["id"] == payment["id"]


@pytest.mark.parametrize("fault, error", [("http_5xx", BadAnswer), ("garbage", BadAnswer), ("drop", ConnectionDropped),
                                          ("timeout_after_charge", ReadTimedOut)])
def test_faults_are_switchable_over_http(api, sim, fault, error):
    admin = sim.base_url + "/_sim/faults"
    assert requests.post(admin, data=json.dumps({"fault": fault, "only": "Ping"}), timeout=5).status_code == 201
    api.account_status()  # another method is not affected
    with pytest.raises(error):
        api.ping()
    api.ping()


def test_unreachable_gateway_was_never_sent():
    with pytest.raises(NotSent):
        XservApi(XservConfig("http://127.0.0.1:9/api/v1", "M", "K", 0.5, 0.5)).ping()


def test_runs_as_a_module_on_the_given_port(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "splynx_icharge.simulator", "--port", "8792",
                                "--merchant", "M77:key77"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "iCharge xServ simulator on http://127.0.0.1:8792/api/v1" in process.stdout.readline()
        api = XservApi(XservConfig("http://127.0.0.1:8792/api/v1", "M77", "key77", 2, 2))
        deadline = time.monotonic() + 5
        while True:
            try:
                assert api.account_status()["merchant_id"] == "M77"
                break
            except NotSent:
                assert time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(5)
