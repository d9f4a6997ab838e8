"""Fixtures for the iCharge add-on's tests: the xServ simulator in a thread and a configured host."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.gateway.cards import CardDetails, Expiry
from splynx_icharge import addon, simulator
from splynx_icharge.settings import ADDON_ID, SETTINGS
from splynx_icharge.xserv import apis
from splynx_testing.fixtures import make_test_app
from splynx_testing.gateway import GatewayHarness, save_settings

TEST_CARD = "4111111111111111"


@pytest.fixture(scope="session")
def icharge_sim():
    """The xServ simulator on a free port for the whole session (state reset per test)."""
    running = simulator.start()
    yield running
    running.stop()


@pytest.fixture
def sim(icharge_sim):
    icharge_sim.reset()
    yield icharge_sim
    icharge_sim.faults.clear()


def configure(host, partner_id: int = 0, **values) -> None:
    save_settings(host, ADDON_ID, SETTINGS, partner_id, **values)


@pytest.fixture
def icharge_configure(host):
    """``icharge_configure(**settings)``: save settings as the Modules list form does."""
    return lambda partner_id=0, **values: configure(host, partner_id, **values)


@pytest.fixture
def icharge_host(host, install_addon, sim):
    """The host with splynx-icharge installed and pointed at the simulator (1 s read timeout)."""
    install_addon(addon)
    configure(host, merchant_id=simulator.TEST_MERCHANT, api_key=simulator.TEST_API_KEY, gateway_url=sim.url,
              read_timeout="1", connect_timeout="1")
    yield host
    apis.clear()


@pytest.fixture
def icharge_app(icharge_host):
    """The Flask test app, built after the install so the add-on's routes exist."""
    return make_test_app(icharge_host)


def sim_charges(running, key: str) -> int:
    """Approved payments the simulator made under one reference (replays not counted)."""
    return sum(1 for entry in running.app.journal()
               if entry["kind"] == "ProcessPayment" and entry.get("reference") == key
               and entry.get("status") == "approved" and not entry["replayed"])


@pytest.fixture
def add_card(icharge_app):
    """Save a card for a customer through the add-on (Card Store at the simulator)."""
    from splynx_icharge.accounts import Accounts

    def add(customer, number: str = TEST_CARD, holder: str = "Tofu Beast"):
        with icharge_app.app_context():
            return Accounts(icharge_app.extensions["splynx"]).add_card(customer,
                                                                       CardDetails(number, Expiry(12, 2031), holder))

    return add


@pytest.fixture
def gateway_harness(icharge_host, icharge_app, sim, factory, add_card):
    """The gateway kit's view of this add-on (:mod:`splynx_testing.gateway`)."""
    from splynx_icharge.models import IchargePayment

    def customer_with_account():
        customer = factory.customer()
        add_card(customer)
        return customer

    def journal_note(key):
        with icharge_host.db.transaction() as session:
            return session.execute(select(IchargePayment.note).where(IchargePayment.reference == key)).scalar_one()

    return GatewayHarness(
        host=icharge_host, app=icharge_app, gateway="icharge", faults=sim.faults,
        charges=lambda key: sim_charges(sim, key), customer_with_account=customer_with_account,
        invoice=lambda customer, amount: factory.invoice(customer, Decimal(amount)), charge_kind="ProcessPayment",
        lookup_kind="TransactionStatus", lookup_name="reference look-up", refund_kind="ProcessRefund",
        gateway_refunds=lambda: [e["amount"] for e in sim.app.journal()
                                 if e["kind"] == "ProcessRefund" and e["status"] == "approved" and not e["replayed"]],
        sim_kinds=lambda key: [e["kind"] for e in sim.app.journal() if e.get("reference") == key],
        journal_note=journal_note,
        make_unreachable=lambda: configure(icharge_host, gateway_url="http://127.0.0.1:9/api/v1"),  # discard port
        card_numbers=(TEST_CARD,),
    )
