"""Fixtures of the bulk-charging tests: the fakepay handler installed, customers with saved cards."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from hostapp.models import ChargeBatch, PaymentAccount, PaymentAccountType
from hostapp.services.charging import BatchRequest, ChargeFilters, ChargeService
from hostapp.services.jobs import job_status
from tests.charging.processes import fakepay_distribution
from tests.plugins import fakepay
from tests.plugins.fakepay_server import RunningGateway


@pytest.fixture
def charging(host, install_addon):
    """The host with fakepay installed and enabled, its in-memory gateway reset."""
    fakepay.GATEWAY.reset()
    install_addon(fakepay)
    host.registry.set_enabled("fakepay", True, "test")
    yield ChargeService(host)
    host.jobs.shutdown(wait=True)
    fakepay.GATEWAY.reset()


def save_card(host, customer, token: str = "tok-ok", gateway: str = "fakepay") -> int:
    """A default saved card of ``gateway`` for the customer (what the add-on's credentials page writes)."""
    with host.db.transaction() as session:
        type_id = session.execute(select(PaymentAccountType.id).where(
            PaymentAccountType.addon_id == gateway)).scalars().first()
        account = PaymentAccount(customer_id=customer.id, account_type_id=type_id, gateway=gateway, kind="card",
                                 token=token, brand="Visa", last4="1111", expiry="12/2031", is_default=True)
        session.add(account)
        session.flush()
        return account.id


@pytest.fixture
def card_customer(factory, host):
    """Make a customer with a saved fakepay card (``token="tok-decline"`` for a card that is declined)."""

    def make(token: str = "tok-ok", **fields):
        customer = factory.customer(**fields)
        save_card(host, customer, token)
        return customer

    return make


def today_filters(**changes) -> ChargeFilters:
    return ChargeFilters(period_from=date.today(), period_to=date.today()).with_changes(**changes)


def request(filters: ChargeFilters | None = None, handler: str = "fakepay", **changes) -> BatchRequest:
    return BatchRequest(handler=handler, filters=filters or today_filters(), created_by="test", **changes)


def wait_finished(service: ChargeService, batch_id: int, timeout: float = 60):
    """The batch's summary once it finished and its in-process job (if any) has let go of it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        summary = service.summary(batch_id)
        with service.host.db.reading() as session:
            job_id = session.get(ChargeBatch, batch_id).job_id
        job = job_status(service.host.db, job_id) if job_id else None
        if summary.finished and (job is None or job["status"] in ("succeeded", "failed")):
            return summary
        time.sleep(0.05)
    raise AssertionError(f"batch {batch_id} did not finish: {service.summary(batch_id)}")


@pytest.fixture(scope="session")
def fakepay_dist(tmp_path_factory):
    return fakepay_distribution(tmp_path_factory.mktemp("fakepay-dist"))


@pytest.fixture
def http_gateway(monkeypatch):
    gateway = RunningGateway(latency=0.01)
    monkeypatch.setenv("FAKEPAY_URL", gateway.url)
    yield gateway
    gateway.stop()


def approved_per_invoice(gateway) -> Counter:
    return Counter(entry["invoice_id"] for entry in gateway.ledger.listing() if entry["status"] == "approved")
