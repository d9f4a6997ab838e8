"""Fixtures for the IPpay add-on's tests: the simulator in a thread and a configured host."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from splynx_ippay import addon, simulator
from splynx_ippay.client import clients
from splynx_ippay.settings import ADDON_ID, SETTINGS
from splynx_testing.fixtures import make_test_app
from splynx_testing.gateway import save_settings


@pytest.fixture(scope="session")
def ippay_sim():
    """The IPpay simulator on a free port for the whole session (state reset per test)."""
    running = simulator.start()
    yield running
    running.stop()


@pytest.fixture
def sim(ippay_sim):
    ippay_sim.reset()
    yield ippay_sim
    ippay_sim.faults.clear()


def configure(host, partner_id: int = 0, **values) -> None:
    """Save add-on settings the way the Modules list form does (validated, secrets sealed)."""
    save_settings(host, ADDON_ID, SETTINGS, partner_id, **values)


@pytest.fixture
def ippay_configure(host):
    """``ippay_configure(**settings)``: save settings as the Modules list form does."""
    return lambda partner_id=0, **values: configure(host, partner_id, **values)


@pytest.fixture
def ippay_host(host, install_addon, sim):
    """The host with splynx-ippay installed and pointed at the simulator (1 s read timeout)."""
    install_addon(addon)
    configure(host, terminal_id="TESTTERMINAL", gateway_url=sim.url, read_timeout="1", connect_timeout="1")
    yield host
    clients.clear()


@pytest.fixture
def ippay_app(ippay_host):
    """The Flask test app, built after the install so the add-on's routes exist."""
    return make_test_app(ippay_host)


TEST_CARD = "4111111111111111"
TEST_BANK_ACCOUNT = "84736251"
TEST_ROUTING = "071025661"


def sim_charges(running, key: str) -> int:
    """Approved SALE/CHECK transactions the simulator booked under one TransactionID."""
    return sum(1 for entry in running.app.journal()
               if entry["type"] in ("SALE", "CHECK") and entry["transaction_id"] == key
               and entry["action_code"] == "000")


@pytest.fixture
def add_card(ippay_app):
    """Save a card for a customer through the add-on (TOKENIZE at the simulator)."""
    from core.gateway.cards import CardDetails, Expiry
    from splynx_ippay.accounts import Accounts

    def add(customer, number: str = TEST_CARD, holder: str = "Tofu Beast"):
        with ippay_app.app_context():
            return Accounts(ippay_app.extensions["splynx"]).add_card(customer,
                                                                     CardDetails(number, Expiry(12, 2031), holder))

    return add


@pytest.fixture
def add_bank(ippay_app):
    from splynx_ippay.accounts import Accounts
    from splynx_ippay.client import BankDetails

    def add(customer, account: str = TEST_BANK_ACCOUNT, kind: str = "CHECKING"):
        with ippay_app.app_context():
            return Accounts(ippay_app.extensions["splynx"]).add_bank(
                customer, BankDetails(account, TEST_ROUTING, kind, "Mickey Mouse"))

    return add


def sim_refunds(running) -> list[int]:
    """Cents of every refund (CREDIT, REVERSAL) the simulator approved, oldest first."""
    return [int(e["amount"]) for e in running.app.journal()
            if e["type"] in ("CREDIT", "REVERSAL") and e["action_code"] == "000"]


@pytest.fixture
def gateway_harness(ippay_host, ippay_app, sim, factory, add_card):
    """The gateway kit's view of this add-on, paying by card (:mod:`splynx_testing.gateway`)."""
    return _harness(ippay_host, ippay_app, sim, factory, add_card, "SALE", "CREDIT")


@pytest.fixture
def ach_harness(ippay_host, ippay_app, sim, factory, add_bank):
    """The gateway kit's view of this add-on, paying by bank account (ACH CHECK, refunds by REVERSAL)."""
    return _harness(ippay_host, ippay_app, sim, factory, add_bank, "CHECK", "REVERSAL")


def _harness(ippay_host, ippay_app, sim, factory, add_account, charge_kind: str, refund_kind: str):
    from decimal import Decimal

    from splynx_testing.gateway import GatewayHarness

    def customer_with_account():
        customer = factory.customer()
        add_account(customer)
        return customer

    def journal_note(key):
        from splynx_ippay.models import IppayTransaction

        with ippay_host.db.transaction() as session:
            return session.execute(select(IppayTransaction.note)
                                   .where(IppayTransaction.reference == key)).scalar_one()

    return GatewayHarness(
        host=ippay_host, app=ippay_app, gateway="ippay", faults=sim.faults,
        charges=lambda key: sim_charges(sim, key), customer_with_account=customer_with_account,
        invoice=lambda customer, amount: factory.invoice(customer, Decimal(amount)), charge_kind=charge_kind,
        lookup_kind="ENQ", lookup_name="ENQ", refund_kind=refund_kind, gateway_refunds=lambda: sim_refunds(sim),
        sim_kinds=lambda key: [e["type"] for e in sim.app.journal() if e["transaction_id"] == key],
        journal_note=journal_note,
        make_unreachable=lambda: configure(ippay_host, gateway_url="http://127.0.0.1:9/ippay"),  # discard port
        card_numbers=(TEST_CARD, TEST_BANK_ACCOUNT),
    )
