"""The simulator keeps the gateway's promises the add-on relies on (real HTTP, no host)."""

import json

import requests

from splynx_intentpay.simulator import TEST_API_KEY

AUTH = {"Authorization": f"Bearer {TEST_API_KEY}", "Content-Type": "application/json"}
CARD = {"number": "4111111111111111", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


def create(sim, key, amount=3000, card=CARD):
    body = json.dumps({"amount": amount, "currency": "usd", "reference": key, "card": card})
    return requests.post(f"{sim.url}/payment_intents", data=body, headers={**AUTH, "Idempotency-Key": key},
                         timeout=5)


def test_a_key_sent_twice_is_replayed_not_charged_twice(sim):
    first, again = create(sim, "k-1"), create(sim, "k-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert [e["replayed"] for e in sim.app.journal() if e["kind"] == "create"] == [False, True]


def test_a_key_reused_for_another_body_is_refused(sim):
    create(sim, "k-2")
    assert create(sim, "k-2", amount=4000).status_code == 409


def test_the_declining_amount_is_declined_and_looked_up_by_reference(sim):
    assert create(sim, "k-3", amount=5205).json()["status"] == "requires_payment_method"
    found = requests.get(f"{sim.url}/payment_intents?reference=k-3", headers=AUTH, timeout=5).json()["data"]
    assert [i["status"] for i in found] == ["requires_payment_method"]


def test_a_wrong_api_key_is_refused(sim):
    assert requests.get(f"{sim.url}/payment_intents?reference=x", timeout=5).status_code == 401


def test_the_journal_holds_no_card_number(sim):
    create(sim, "k-4")
    assert CARD["number"] not in json.dumps(sim.app.journal())
