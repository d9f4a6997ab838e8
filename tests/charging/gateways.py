"""The gateways charge tests and the benchmark run against, behind one small interface.

* :class:`FakepayGateway`: the fakepay test add-on talking HTTP to its gateway server
  (:mod:`tests.plugins.fakepay_server`), always available.
* :class:`IppayGateway`: splynx-ippay against its own simulator (the tests need the
  ``splynx_ippay`` distribution: :func:`gateway_class`).

Each gives the handler id, the environment worker processes need, a way to write
customers with saved accounts and unpaid invoices, and the gateway's *own* ledger of
approved charges per invoice (mapped from its transaction ids, which are attempt keys).
"""

from __future__ import annotations

import inspect
from collections import Counter

import requests
from sqlalchemy import select, update

from hostapp.models import PaymentAccount, PaymentAttempt
from hostapp.services.settings_store import SettingsStore
from tests.charging.seed import Seeded, seed_invoices
from splynx_testing.machine import require_module
from tests.plugins.fakepay_server import RunningGateway


def per_invoice(host, keys: list[str]) -> Counter:
    """Charges per invoice id for a list of approved transaction ids (attempt keys)."""
    with host.db.reading() as session:
        targets = dict(session.execute(select(PaymentAttempt.key, PaymentAttempt.target_id)).all())
    return Counter(targets.get(key) for key in keys)


class FakepayGateway:
    """fakepay over HTTP to its gateway server: served from this process, or already running at ``url``."""

    handler = "fakepay"
    description = "fakepay test add-on against its HTTP gateway server (tests/plugins/fakepay_server.py)"

    def __init__(self, host, install_addon, latency: float, url: str | None = None) -> None:
        from tests.plugins import fakepay

        self.host = host
        self.server = RunningGateway(latency=latency) if url is None else None
        self.url = url or self.server.url
        install_addon(fakepay)
        host.registry.set_enabled("fakepay", True, "test")

    def env(self) -> dict[str, str]:
        return {"FAKEPAY_URL": self.url}

    def seed(self, count: int, issued=None) -> Seeded:
        return seed_invoices(self.host.db, gateway="fakepay", count=count, issued=issued)

    def _get(self, path: str):
        return requests.get(self.url + path, timeout=30).json()

    def approved_per_invoice(self) -> Counter:
        listing = self.server.ledger.listing() if self.server else self._get("/ledger")
        return Counter(e["invoice_id"] for e in listing if e["status"] == "approved")

    def max_in_flight(self) -> int:
        return self.server.ledger.max_in_flight if self.server else self._get("/stats")["max_in_flight"]

    def stop(self) -> None:
        if self.server:
            self.server.stop()


class IppayGateway:
    """splynx-ippay against its simulator (served from this process)."""

    handler = "ippay"
    description = "splynx-ippay against its simulator (python -m splynx_ippay.simulator)"
    CARD = "4111111111111111"

    def __init__(self, host, install_addon, latency: float, url: str | None = None) -> None:
        from splynx_ippay import addon, simulator
        from splynx_ippay.settings import ADDON_ID, SETTINGS

        self.host = host
        options = {"latency": latency} if "latency" in inspect.signature(simulator.start).parameters else {}
        self.sim = simulator.start(**options) if url is None else None
        self.url = url or self.sim.url
        install_addon(addon)
        host.registry.set_enabled(ADDON_ID, True, "test")
        with host.db.transaction() as session:
            store = SettingsStore(session, host.box)
            raw = {"terminal_id": simulator.TEST_TERMINAL, "gateway_url": self.url, "read_timeout": "10",
                   "connect_timeout": "5"}
            result = store.validate(ADDON_ID, SETTINGS, raw, 0, keys=set(raw))
            assert result.ok, result.errors
            store.save(ADDON_ID, SETTINGS, result.values, actor="test", partner_id=0)

    def env(self) -> dict[str, str]:
        return {}

    def seed(self, count: int, issued=None) -> Seeded:
        """Customers whose saved card is one card tokenised at the simulator (as the portal would)."""
        from core.gateway.cards import Expiry
        from splynx_ippay.accounts import Accounts
        from splynx_ippay.client import CardDetails

        from hostapp.models import Customer

        seeded = seed_invoices(self.host.db, gateway="ippay", count=count, token="pending-tokenize", issued=issued)
        with self.host.db.reading() as session:
            first = session.get(Customer, seeded.customer_ids[0])
        saved = Accounts(self.host).add_card(first, CardDetails(self.CARD, Expiry(12, 2031), "Bulk Customer"))
        with self.host.db.transaction() as session:
            session.execute(update(PaymentAccount).where(PaymentAccount.gateway == "ippay")
                            .values(token=saved.token, brand=saved.brand, last4=saved.last4))
        return seeded

    def approved_per_invoice(self) -> Counter:
        journal = self.sim.app.journal() if self.sim else requests.get(
            self.url.rsplit("/ippay", 1)[0] + "/_sim/log", timeout=30).json()
        keys = [e["transaction_id"] for e in journal if e["type"] in ("SALE", "CHECK") and e["action_code"] == "000"]
        return per_invoice(self.host, keys)

    def max_in_flight(self) -> int | None:
        return None

    def stop(self) -> None:
        if self.sim:
            self.sim.stop()


def gateway_class(name: str):
    """The gateway a test asked for by handler id; ``ippay`` needs splynx-ippay installed (splynx_testing.machine)."""
    if name == "ippay":
        require_module("splynx_ippay")
    return {"fakepay": FakepayGateway, "ippay": IppayGateway}[name]
