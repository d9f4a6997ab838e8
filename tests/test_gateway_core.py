"""The protocol-agnostic gateway kit: masking filter, fault switchboard, transport failure classes."""

import json
import logging

import pytest

from core.gateway.cards import card_brand, luhn_valid, routing_number_valid
from core.gateway.masking import MaskingFilter, mask_number, masked_logger, scrub
from core.gateway.simulator import Fault, FaultBoard, Reply, RunningSimulator
from core.gateway.transport import BadAnswer, ConnectionDropped, HttpTransport, NotSent, ReadTimedOut


class EchoApp:
    """A minimal JSON 'gateway': counts charges, answers {"ok": true}."""

    garbage = b"<html>oops</html>"

    def __init__(self):
        self.charges = 0

    def kind(self, request):
        return request.path

    def handle(self, request):
        self.charges += 1
        return Reply(200, b'{"ok": true}', "application/json")

    def journal(self):
        return [{"charges": self.charges}]

    def reset(self):
        self.charges = 0


@pytest.fixture
def echo():
    with RunningSimulator(EchoApp(), "/pay") as running:
        yield running


def _transport(echo, read_timeout=0.5):
    return HttpTransport(echo.url, connect_timeout=0.5, read_timeout=read_timeout)


@pytest.mark.parametrize("fault, error, charged", [
    ("http_5xx", BadAnswer, 0), ("http_5xx_after_charge", BadAnswer, 1), ("drop", ConnectionDropped, 0),
    ("drop_after_charge", ConnectionDropped, 1), ("timeout_after_charge", ReadTimedOut, 1),
])
def test_each_fault_maps_to_a_failure_class(echo, fault, error, charged):
    echo.faults.arm(fault)
    with pytest.raises(error) as info:
        _transport(echo).post(b"{}", content_type="application/json")
    assert not info.value.safe_to_retry
    assert info.value.answered is (error is BadAnswer)
    assert echo.app.charges == charged


def test_garbage_and_late_answers_arrive_as_sent(echo):
    echo.faults.arm("garbage_after_charge")
    assert _transport(echo).post(b"{}", content_type="application/json").body == EchoApp.garbage
    echo.faults.arm("late", delay=0.2)
    assert _transport(echo).post(b"{}", content_type="application/json").elapsed >= 0.2
    assert echo.app.charges == 2


def test_refused_connection_was_never_sent():
    with pytest.raises(NotSent) as info:
        HttpTransport("http://127.0.0.1:9/x", connect_timeout=0.5).post(b"", content_type="text/plain")
    assert info.value.safe_to_retry


def test_fault_board_matches_kind_and_counts_down():
    board = FaultBoard()
    board.arm(Fault.GARBAGE, only="SALE", times=2)
    assert board.take("ENQ") is None
    assert board.take("SALE").fault is Fault.GARBAGE
    assert board.take("SALE") is not None and board.take("SALE") is None
    board.arm("drop", times=None)
    assert all(board.take("X") for _ in range(5))
    assert board.listing()[0]["fault"] == "drop"


def test_admin_endpoints_and_concurrency_meter(echo):
    import requests

    assert requests.post(echo.base_url + "/_sim/faults", data=json.dumps({"fault": "late", "delay": 0.1}),
                         timeout=5).status_code == 201
    _transport(echo).post(b"{}", content_type="application/json")
    assert requests.get(echo.base_url + "/_sim/stats", timeout=5).json() == {"in_flight": 0, "peak_in_flight": 1}
    assert requests.get(echo.base_url + "/_sim/log", timeout=5).json() == [{"charges": 1}]
    requests.post(echo.base_url + "/_sim/reset", timeout=5)
    assert echo.app.charges == 0


def test_masking_filter_scrubs_every_record_of_its_logger(caplog):
    log = masked_logger("tests.gateway.masking")
    masked_logger("tests.gateway.masking")
    assert sum(isinstance(f, MaskingFilter) for f in log.filters) == 1
    with caplog.at_level(logging.INFO, logger="tests.gateway.masking"):
        log.info("card %s cvv=%s body %s", "4111-1111-1111-1111", "123", '{"account_number": "84736251"}')
    assert caplog.messages == ['card ************1111 cvv=*** body {"account_number": "****6251"}']
    assert mask_number("************1111") == "************1111"
    assert scrub("<CVV2>123</CVV2>") == "<CVV2>***</CVV2>"


def test_card_checks():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert [card_brand(n) for n in ("4111111111111111", "5555555555554444", "2223003122003222", "378282246310005",
                                    "6011111111111117", "3530111333300000", "30569309025904", "9999")] == [
        "Visa", "Mastercard", "Mastercard", "American Express", "Discover", "JCB", "Diners Club", "Card"]
    assert routing_number_valid("071025661") and not routing_number_valid("071025662")
