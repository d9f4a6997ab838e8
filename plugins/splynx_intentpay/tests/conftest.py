"""Fixtures of IntentPay's tests, on the host's test kit (the ``splynx_testing`` pytest plugin).

The kit gives ``host`` (migrated, empty tables; SQLite or ``SPLYNX_DATABASE_URL``),
``install_addon``, ``factory``, ``portal_client``, ``admin_page`` and more.
"""

import pytest

from splynx_testing.fixtures import make_test_app
from splynx_intentpay import addon


@pytest.fixture
def addon_host(host, install_addon):
    """The test host with IntentPay installed and synced (tables, module, settings, entry points)."""
    install_addon(addon)
    return host


@pytest.fixture
def addon_app(addon_host):
    """The Flask test app, built after the install so the add-on's routes exist."""
    return make_test_app(addon_host)


@pytest.fixture
def app(addon_app):
    """The kit's client fixtures (``portal_client``) use this app."""
    return addon_app


@pytest.fixture
def addon_admin(addon_app, factory):
    """A test client logged in as an administrator."""
    factory.admin(login="root", password="root-password")
    client = addon_app.test_client()
    assert client.post("/admin/login", data={"login": "root", "password": "root-password"}).status_code == 302
    return client


@pytest.fixture(scope="session")
def running_simulator():
    """The add-on's simulator on a free loopback port for the whole session."""
    from splynx_intentpay import simulator

    running = simulator.start()
    yield running
    running.stop()


@pytest.fixture
def sim(running_simulator):
    """The simulator, its transactions and faults reset for this test."""
    running_simulator.reset()
    yield running_simulator
    running_simulator.faults.clear()


@pytest.fixture
def configured(addon_host, sim):
    """IntentPay pointed at the simulator (1 s read time-out, so faults are quick)."""
    from splynx_testing.gateway import save_settings
    from splynx_intentpay.settings import ADDON_ID, SETTINGS
    from splynx_intentpay.simulator import TEST_API_KEY

    save_settings(addon_host, ADDON_ID, SETTINGS, gateway_url=sim.url, api_key=TEST_API_KEY, read_timeout="1",
                  connect_timeout="1")
    return addon_host


TEST_CARD = "4111111111111111"


def sim_journal(sim, kind: str, reference: str | None = None) -> list[dict]:
    """The simulator's journal entries of one kind (of one reference), oldest first."""
    return [e for e in sim.app.journal() if e["kind"] == kind and reference in (None, e["reference"])]


@pytest.fixture
def gateway_harness(configured, addon_app, sim, factory):
    """What the host's conformance suite needs to know about IntentPay (splynx_testing.gateway)."""
    from decimal import Decimal

    from sqlalchemy import select

    from core.gateway.cards import CardDetails, Expiry
    from splynx_testing.gateway import GatewayHarness, save_settings
    from splynx_intentpay.accounts import add_card
    from splynx_intentpay.models import IntentpayTransaction
    from splynx_intentpay.settings import ADDON_ID, SETTINGS

    def customer_with_account():
        customer = factory.customer()
        add_card(configured, customer, CardDetails(TEST_CARD, Expiry(12, 2031), "Tofu Beast"))
        return customer

    def journal_note(key):
        with configured.db.transaction() as session:
            return session.execute(select(IntentpayTransaction.note)
                                   .where(IntentpayTransaction.reference == key)).scalar_one()

    return GatewayHarness(
        host=configured, app=addon_app, gateway=ADDON_ID, faults=sim.faults,
        charges=lambda key: len([e for e in sim_journal(sim, "create", key)
                                 if e["status"] == "succeeded" and not e["replayed"]]),
        customer_with_account=customer_with_account,
        invoice=lambda customer, amount: factory.invoice(customer, Decimal(amount)),
        charge_kind="create", lookup_kind="lookup", lookup_name="reference look-up", refund_kind="refund",
        sim_kinds=lambda key: [e["kind"] for e in sim.app.journal() if e["reference"] == key],
        gateway_refunds=lambda: [e["amount"] for e in sim_journal(sim, "refund") if not e["replayed"]],
        journal_note=journal_note,
        make_unreachable=lambda: save_settings(configured, ADDON_ID, SETTINGS,
                                               gateway_url="http://127.0.0.1:9/v1"),  # the discard port
        card_numbers=(TEST_CARD,),
    )
