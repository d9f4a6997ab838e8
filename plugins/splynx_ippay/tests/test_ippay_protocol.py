"""The XML dialect: element names and order, escaping, safe parsing, masking, amounts."""

from decimal import Decimal

import pytest

from core.gateway.cards import Expiry
from core.payments import to_minor_units
from splynx_ippay.client import SCRUBBER
from splynx_ippay.protocol import Element, ProtocolError, build_request, parse_request, parse_response


def test_request_uses_spec_names_order_and_attributes():
    body = build_request({"TotalAmount": "4995", "CardNum": Element("4000300020001000", {"Tokenize": "true"}),
                          "TerminalID": "TESTTERMINAL", "TransactionType": "SALE", "CVV2": "123",
                          "TransactionID": "2405221405K7Q2M9XA", "CardExpMonth": "12", "CardExpYear": "27",
                          "OrderNumber": None, "Password": ""})
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?><ippay><TransactionType>SALE</TransactionType>'
                           b"<TerminalID>TESTTERMINAL</TerminalID><TransactionID>2405221405K7Q2M9XA</TransactionID>"
                           b'<CardNum Tokenize="true">4000300020001000</CardNum><CVV2>123</CVV2>'
                           b"<CardExpMonth>12</CardExpMonth><CardExpYear>27</CardExpYear>"
                           b"<TotalAmount>4995</TotalAmount></ippay>")


def test_ach_element_nests_account_fields():
    body = build_request({"TransactionType": "CHECK", "ACH": Element(
        attrs={"Type": "SAVINGS", "SEC": "PPD"},
        children={"CheckNumber": "15", "ABA": "071025661", "AccountNumber": "11111999"})})
    assert b'<ACH Type="SAVINGS" SEC="PPD"><AccountNumber>11111999</AccountNumber><ABA>071025661</ABA>' \
           b"<CheckNumber>15</CheckNumber></ACH>" in body


def test_values_are_escaped_not_concatenated():
    body = build_request({"TransactionType": "CHECK", "CardName": "Smith & <Sons>"})
    assert b"<CardName>Smith &amp; &lt;Sons&gt;</CardName>" in body
    texts, _, _ = parse_request(body)
    assert texts["CardName"] == "Smith & <Sons>"


@pytest.mark.parametrize("root", ["ippayResponse", "IPPayResponse", "JetPayResponse", "IPPAYRESPONSE"])
def test_response_root_is_matched_case_insensitively(root):
    body = f"<{root}><ActionCode>000</ActionCode><Token>4B3J7E7D7K2A1000</Token></{root}>".encode()
    answer = parse_response(body)
    assert answer.approved and answer.token == "4B3J7E7D7K2A1000"


def test_only_000_is_success_and_errmsg_wins():
    answer = parse_response(b"<ippayResponse><TransactionID>X</TransactionID><ActionCode>900</ActionCode>"
                            b"<ResponseText>APPROVED</ResponseText><ErrMsg>Invalid card number.  </ErrMsg></ippayResponse>")
    assert not answer.approved and answer.text == "Invalid card number."


@pytest.mark.parametrize("body", [
    b"<html><body>Service Unavailable</body></html>",
    b"not xml at all",
    b"",
    b"<ippayResponse><ResponseText>APPROVED</ResponseText></ippayResponse>",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b"<ippayResponse><ActionCode>&b;</ActionCode></ippayResponse>",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b"<ippayResponse><ActionCode>&e;</ActionCode></ippayResponse>",
])
def test_garbage_and_hostile_documents_are_protocol_errors(body):
    with pytest.raises(ProtocolError):
        parse_response(body)


def test_amounts_are_integer_cents_from_decimal():
    assert to_minor_units(Decimal("87.99")) == 8799
    assert to_minor_units(Decimal("10.50")) == 1050
    assert to_minor_units(Decimal("0.10")) == 10
    with pytest.raises(ValueError):
        to_minor_units(Decimal("1.005"))


def test_scrubber_masks_card_cvv_account_password_and_terminal():
    body = build_request({"TransactionType": "SALE", "TerminalID": "TESTTERMINAL", "Password": "s3cret",
                          "CardNum": "4111111111111111", "CVV2": "7193", "CardExpMonth": "12",
                          "ACH": Element(children={"AccountNumber": "84736251", "ABA": "071025661"})}).decode()
    masked = SCRUBBER(body)
    for secret in ("4111111111111111", "7193", "84736251", "s3cret", "TESTTERMINAL"):
        assert secret not in masked
    assert "<CardNum>************1111</CardNum>" in masked
    assert "<AccountNumber>****6251</AccountNumber>" in masked
    assert "<ABA>071025661</ABA>" in masked  # routing numbers are public bank identifiers


def test_scrubber_catches_card_numbers_in_free_text_and_json():
    assert SCRUBBER("customer typed 4111 1111 1111 1111 by mistake") == \
        "customer typed ************1111 by mistake"
    assert SCRUBBER('{"number": "5555555555554444", "cvv": 123}') == '{"number": "************4444", "cvv": ***}'
    assert SCRUBBER("invoice 202601000012 paid") == "invoice 202601000012 paid"


def test_expiry_forms():
    assert str(Expiry.parse("7", "27")) == "07/2027"
    assert Expiry.parse("07", "2027").yy == "27"
    with pytest.raises(ValueError):
        Expiry.parse("13", "27")
