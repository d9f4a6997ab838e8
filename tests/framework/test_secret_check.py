"""The test kit's card-data check finds a stored CVV, and not three digits inside a random token."""

from __future__ import annotations

import pytest

from hostapp.models import ModuleSetting
from splynx_testing.gateway import assert_no_secrets


def store(host, value: str) -> None:
    with host.db.transaction() as s:
        s.add(ModuleSetting(addon_id="probe", key="answer", value=value))


@pytest.mark.parametrize("value", ['{"cvv": "123"}', "<CVV>123</CVV>", "cvv=123&amount=10"])
def test_a_cvv_standing_as_a_value_in_a_table_is_found(host, value):
    store(host, value)
    with pytest.raises(AssertionError, match="(?s)a CVV is in the database: .*123"):
        assert_no_secrets(host.db, [], numbers=[], codes=["123"])


def test_a_cvv_in_a_log_line_is_found(host):
    with pytest.raises(AssertionError, match="a CVV is in the logs"):
        assert_no_secrets(host.db, ["IPpay request <CardNum>***</CardNum><CVV2>123</CVV2>"], numbers=[],
                          codes=["123"])


def test_three_digits_inside_a_random_token_are_not_a_cvv(host):
    store(host, "gAAAAABrEtQ_1uQx123Zm5szmHf27Omo-9123b")
    assert_no_secrets(host.db, ["token 4E3M123Y5A5V1111"], numbers=[], codes=["123"])


def test_a_card_number_written_with_spaces_is_found(host):
    store(host, '{"note": "card 4111 1111 1111 1111"}')
    with pytest.raises(AssertionError, match="card/account number is in the database"):
        assert_no_secrets(host.db, [], numbers=["4111111111111111"], codes=[])
