"""The strict parsers and the small findings: amounts, ids, digits, signatures, CSV cells, package names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.gateway.cards import Expiry, luhn_valid
from core.gateway.links import DirectLinks
from core.inputs import MAX_ID, ascii_digits, is_safe_link, parse_amount, parse_id
from core.packages.names import package_problem
from hostapp.services.charging.report import _cell


@pytest.mark.parametrize("raw", ["1e3", "1_000", "５", "٣", "1,000", "0.001", "NaN", "sNaN", "1e309", "Infinity",
                                 "-1", "0", "100000.01", " ", "1.2.3", "\x00", None, 5])
def test_amounts_are_refused(raw):
    assert parse_amount(raw) is None


def test_amounts_are_read_with_two_places():
    assert parse_amount(" 25 ") == Decimal("25.00") and parse_amount("25,5") == Decimal("25.50")
    assert parse_amount("100000") == Decimal("100000.00")
    assert parse_amount("0", allow_zero=True) == Decimal("0.00")


@pytest.mark.parametrize("raw", ["²", "٣", "0", "-1", str(MAX_ID + 1), str(10**20), "1e3", "", "12a"])
def test_ids_are_refused(raw):
    assert parse_id(raw) is None


def test_ids_and_digits():
    assert parse_id(str(MAX_ID)) == MAX_ID and parse_id(" 7 ") == 7
    assert ascii_digits("0123") == "0123" and ascii_digits("١٢٣") is None


def test_a_card_number_in_other_digits_is_not_a_card_number():
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("٤١١١١١١١١١١١١١١١")
    with pytest.raises(ValueError):
        Expiry.parse("٠٧", "2030")


def test_a_non_ascii_signature_is_simply_wrong():
    links = DirectLinks(b"k" * 32)
    signed = links.sign("invoice", 5)
    assert links.verify("invoice", 5, signed["expires"], signed["sig"])
    assert not links.verify("invoice", 5, signed["expires"], "é" + signed["sig"][1:])
    assert not links.verify("invoice", 5, "²", signed["sig"])


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(text):
    assert _cell(text) == "'" + text


def test_a_package_name_with_a_trailing_newline_is_refused():
    assert package_problem("splynx-ippay") is None
    assert package_problem("splynx-ippay\n") is not None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:x", "//evil.example",
                                 "/\\evil.example", "/\t/evil.example", "data:text/html,x", "https://", "ftp://x",
                                 "https://x.example/\n", "vbscript:x"])
def test_links_a_page_renders_are_http_https_or_a_path(url):
    assert not is_safe_link(url)


def test_safe_links():
    assert all(map(is_safe_link, ["/ippay/", "/portal/x?a=1", "https://addon.example/w", "http://127.0.0.1:8/"]))
