"""The gateway pieces both payment add-ons share: REST requests, the resolver, amounts, fees."""

from decimal import Decimal

import pytest

from core.gateway.forms import safe_form
from core.web import parse_amount
from core.gateway.resolver import Gateway, LookupRefused, Outcome, Resolver
from core.gateway.settings import service_fee
from core.gateway.simulator import Reply, RunningSimulator
from core.gateway.transport import AlreadyReceived, BadAnswer, ClientPool, HttpTransport, NotSent, ReadTimedOut
from core.payments import PaymentStatus


class StatusApp:
    """Answers ``GET /<status>`` with that HTTP status."""

    garbage = b"?"

    def kind(self, request):
        return request.method

    def handle(self, request):
        return Reply(int(request.path.rsplit("/", 1)[1]), b'{"error": {"code": "x"}}', "application/json")

    def journal(self):
        return []

    def reset(self):
        pass


def test_rest_requests_accept_the_statuses_a_protocol_answers_with():
    with RunningSimulator(StatusApp()) as sim:
        transport = HttpTransport(sim.url, connect_timeout=1, read_timeout=1)
        assert transport.request("GET", "/409", accept=range(200, 500)).status == 409
        with pytest.raises(BadAnswer):
            transport.request("GET", "/404")  # 2xx only by default
        with pytest.raises(BadAnswer) as failed:
            transport.request("GET", "/502", accept=range(200, 600))  # a 5xx is never an answer
        assert failed.value.status == 502 and failed.value.answered


def scripted(*lookups) -> Gateway:
    """A gateway whose look-up answers from a list of scripted results (no protocol of its own)."""
    pending = list(lookups)

    def look_up(key):
        found = pending.pop(0)
        if isinstance(found, Exception):
            raise found
        return found

    def answered(response, note):
        return Outcome(PaymentStatus.APPROVED if response == "ok" else PaymentStatus.DECLINED, response, "", note)

    return Gateway("Gw", "LOOKUP", look_up, answered)


def _raise(exc):
    def send():
        raise exc
    return send


def test_resolver_steps():
    assert Resolver(scripted()).first("K", lambda: "ok").status is PaymentStatus.APPROVED
    unreachable = Resolver(scripted()).first("K", _raise(NotSent("refused")))
    assert unreachable.status is PaymentStatus.DECLINED and "could not be reached" in unreachable.message
    found = Resolver(scripted("ok")).first("K", _raise(ReadTimedOut("slow")))
    assert (found.status, found.note) == (PaymentStatus.APPROVED, "slow; found by LOOKUP")
    garbage = Resolver(scripted(None)).first("K", _raise(BadAnswer("HTTP 500", 500)))
    assert garbage.status is PaymentStatus.DECLINED and "Nothing was charged" in garbage.message
    duplicate = Resolver(scripted(None)).first("K", _raise(AlreadyReceived("dup")))
    assert duplicate.status is PaymentStatus.UNKNOWN, "a duplicate is never re-sent"
    refused = Resolver(scripted(LookupRefused("bad terminal", "answer"))).resume("K", lambda: "ok")
    assert (refused.status, refused.response) == (PaymentStatus.UNKNOWN, "answer")
    assert Resolver(scripted(None)).settle("K").status is PaymentStatus.DECLINED
    assert Resolver(scripted(ReadTimedOut("x"))).settle("K").status is PaymentStatus.UNKNOWN


def test_client_pool_shares_and_closes():
    class Client:
        def __init__(self, config):
            self.transport = HttpTransport(config)

    pool = ClientPool(Client)
    assert pool.get("http://a") is pool.get("http://a") and pool.get("http://a") is not pool.get("http://b")
    pool.clear()
    assert pool.get("http://a") is not None


def test_amounts_fees_and_safe_forms():
    assert parse_amount("25") == Decimal("25") and parse_amount(" 25,50 ") == Decimal("25.50")
    assert [parse_amount(v) for v in ("", "abc", "0", "-1", "1.005", "NaN", "100000.01")] == [None] * 7
    assert service_fee(Decimal("40.00"), Decimal("2.5")) == Decimal("1.00")
    assert service_fee(Decimal("0.10"), Decimal("5")) == Decimal("0.01")  # 0.005 rounds half up
    assert service_fee(Decimal("40.00"), Decimal("0")) == Decimal("0.00")
    assert safe_form({"card_number": "4111", "cvv": "1", "holder": "A"}) == {"holder": "A"}
