"""Generating series: ids, codes from the CSPRNG, validation, edit and delete rules."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.identity import AddonIdentity
from splynx_refill_cards import codes
from splynx_refill_cards.models import Base, Card, Series
from splynx_refill_cards.redeem import redeem
from splynx_refill_cards.series import InputError, delete_series, edit, generate, parse_generate
from splynx_refill_cards.settings import options

NEXT_YEAR = (date.today() + timedelta(days=365)).isoformat()


def test_names_derive_from_the_addon_id():
    from importlib.metadata import distribution

    identity = AddonIdentity("refill_cards")
    dist = distribution("splynx-refill-cards")
    (ep,) = [e for e in dist.entry_points if e.group == "splynx.addons"]
    tables = [t for t in Base.metadata.tables if t.startswith("refill_cards")]
    identity.check(entry_point_name=ep.name, dist_name=dist.metadata["Name"], import_name=ep.value, tables=tables)
    assert ep.value == "splynx_refill_cards.addon" and len(tables) == 3


def test_series_ids_are_year_and_number_and_codes_follow_the_pattern(refill, make_series):
    first, codes_1 = make_series(20, prefix="QuickAccess")
    second, _ = make_series(3)
    year = date.today().year
    assert (first, second) == (year * 100 + 1, year * 100 + 2)
    assert len(set(codes_1)) == 20
    for code in codes_1:
        serie, prefix, random_part = code.split("-")
        assert (serie, prefix, len(random_part)) == (str(first), "QuickAccess", 8)
        assert codes.looks_like_code(code)


def test_code_options_shape_the_random_part(refill, make_series, set_setting):
    set_setting(code_length=12, characters=["digits"])
    _, generated = make_series(50)
    parts = [c.rsplit("-", 1)[1] for c in generated]
    assert all(len(p) == 12 and p.isdigit() for p in parts) and len(set(parts)) == 50


def test_random_parts_are_unique_and_cover_the_alphabet():
    parts = codes.random_parts(20_000, 8, "ABCDEFGH")
    assert len(set(parts)) == 20_000
    assert set("".join(parts)) == set("ABCDEFGH")
    with pytest.raises(codes.CodeSpaceError):
        codes.random_parts(5_000, 4, "0123456789")


@pytest.mark.parametrize("field,value,message", [
    ("quantity", "0", "whole number of cards"), ("quantity", "ten", "whole number"), ("quantity", "100001", "100,000"),
    ("quantity", "-5", "whole number"), ("price", "abc", "price greater than 0"), ("price", "-1", "greater than 0"),
    ("price", "1.005", "two decimals"), ("price", "NaN", "greater than 0"), ("prefix", "", "1 to 32"),
    ("prefix", "A-B", "letters, digits"), ("valid_till", "2020-01-01", "past"), ("valid_till", "31/12/2030", "YYYY-MM-DD"),
    ("partner_id", "999", "partner"),
])
def test_bad_generate_input_is_named_and_changes_nothing(refill, field, value, message):
    form = {"quantity": "5", "prefix": "PROMO", "price": "10", "valid_till": NEXT_YEAR, "partner_id": ""}
    form[field] = value
    with pytest.raises(InputError) as caught, refill.db.transaction() as session:
        generate(refill, session, parse_generate(session, form), options(refill, session), actor="test")
    assert message in caught.value.errors[field]
    with refill.db.transaction() as session:
        assert session.execute(select(func.count()).select_from(Series)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Card)).scalar_one() == 0


def test_edit_series_moves_unused_cards_only(refill, make_series, factory):
    series_id, generated = make_series(3, price="10.00")
    customer = factory.customer()
    redeem(refill, generated[0], customer.id, actor="test", throttle=False)
    later = (date.today() + timedelta(days=30)).isoformat()
    with refill.db.transaction() as session:
        edit(refill, session, session.get(Series, series_id), {"price": "12.50", "valid_till": later, "partner_id": ""},
             actor="test")
    with refill.db.transaction() as session:
        prices = dict(session.execute(select(Card.full_code, Card.price)).all())
    assert prices[generated[0]] == Decimal("10.00")
    assert prices[generated[1]] == prices[generated[2]] == Decimal("12.50")


def test_delete_refuses_a_series_with_used_cards(refill, make_series, factory):
    series_id, generated = make_series(2)
    redeem(refill, generated[0], factory.customer().id, actor="test", throttle=False)
    with pytest.raises(InputError, match="1 used card"), refill.db.transaction() as session:
        delete_series(refill, session, session.get(Series, series_id), actor="test")
    empty_id, _ = make_series(2)
    with refill.db.transaction() as session:
        delete_series(refill, session, session.get(Series, empty_id), actor="test")
    with refill.db.transaction() as session:
        assert session.get(Series, empty_id) is None and session.get(Series, series_id) is not None
