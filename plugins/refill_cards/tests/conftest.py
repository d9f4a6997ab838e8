"""Fixtures of the refill cards tests: the add-on installed into the test host, helpers to make cards."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hostapp.services.settings_store import SettingsStore
from splynx_refill_cards import addon
from splynx_refill_cards.models import Card
from splynx_refill_cards.series import generate, parse_generate
from splynx_refill_cards.settings import ADDON_ID, SCHEMA, options
from splynx_testing.fixtures import make_test_app


@pytest.fixture
def refill(host, install_addon):
    """The test host with the add-on installed and synced (tables, module, settings, entry points)."""
    install_addon(addon)
    return host


@pytest.fixture
def refill_app(refill):
    """The app built after the install, so the add-on's routes are mounted."""
    return make_test_app(refill)


@pytest.fixture
def make_series(refill):
    """Generate a series through the add-on's service; returns ``(series_id, [full codes])``."""

    def make(quantity: int = 5, *, prefix: str = "PROMO", price: str = "10.00", partner_id=None,
             valid_till: date | None = None, lock_partner: bool = True):
        valid_till = valid_till or date.today() + timedelta(days=365)
        with refill.db.transaction() as session:
            data = parse_generate(session, {"quantity": str(quantity), "prefix": prefix, "price": price,
                                            "partner_id": partner_id or "", "valid_till": valid_till.isoformat(),
                                            "lock_partner": "1" if lock_partner else "0"})
            series = generate(refill, session, data, options(refill, session), actor="test")
            series_id = series.id
        with refill.db.transaction() as session:
            codes = list(session.execute(select(Card.full_code).where(Card.series_id == series_id)
                                         .order_by(Card.id)).scalars())
        return series_id, codes

    return make


@pytest.fixture
def set_setting(refill):
    """Store add-on settings as the Modules list form would (``partner_id`` for per-partner ones)."""

    def set_(partner_id: int = 0, **values):
        with refill.db.transaction() as session:
            store = SettingsStore(session, refill.box)
            result = store.validate(ADDON_ID, SCHEMA, values, partner_id, set(values))
            assert result.ok, result.errors
            store.save(ADDON_ID, SCHEMA, result.values, actor="test", partner_id=partner_id)

    return set_
