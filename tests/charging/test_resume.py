"""A worker killed in the middle of a batch: the batch resumes and nobody is charged twice.

``splynx charge`` runs the batch in a separate process against a real HTTP gateway (the
fakepay gateway server, whose ledger outlives the process). Its kill switch makes the
process die right after the gateway approved a charge and before the host booked it, the
worst moment. The batch is then resumed from this process, which re-asks the gateway about
the charges in flight with their attempt keys; the gateway's own ledger must show every
invoice charged exactly once.
"""

from collections import Counter
from dataclasses import replace
from datetime import date
import time

import pytest
from sqlalchemy import func, select

from hostapp.models import ChargeBatch, ChargeBatchItem, Invoice, Payment, PaymentAttempt
from tests.charging.conftest import wait_finished
from tests.charging.processes import fakepay_distribution, host_env, run_splynx
from tests.charging.seed import seed_invoices
from tests.plugins.fakepay_server import RunningGateway

KILLED = 137


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


def test_batch_resumes_after_its_worker_was_killed(charging, host, http_gateway, fakepay_dist, database_url,
                                                   instance_dir):
    seeded = seed_invoices(host.db, gateway="fakepay", count=30)
    day = seeded.issued.isoformat()
    env = host_env(database_url, instance_dir, fakepay_dist, FAKEPAY_URL=http_gateway.url, FAKEPAY_EXIT_AFTER="12",
                   SPLYNX_CHARGE_CHUNK_SIZE="5", SPLYNX_CHARGE_LEASE_SECONDS="2", SPLYNX_CHARGE_CONCURRENCY="4")
    killed = run_splynx(["charge", "--handler", "fakepay", "--period", f"{day}..{day}"], env)
    assert killed.returncode == KILLED, killed.stdout + killed.stderr

    with host.db.reading() as s:
        batch_id = s.execute(select(ChargeBatch.id)).scalar_one()
        assert s.get(ChargeBatch, batch_id).status == "running"
        in_flight = s.execute(select(func.count()).select_from(PaymentAttempt).where(
            PaymentAttempt.status == "pending")).scalar_one()
    charged_before = sum(approved_per_invoice(http_gateway).values())
    assert charged_before >= 12 and in_flight >= 1  # charged at the gateway, not booked by the host

    host.config = replace(host.config, charge_lease_seconds=2)
    time.sleep(2.5)  # the dead worker's leases run out
    assert charging.resume_stale("test") == [batch_id]
    summary = wait_finished(charging, batch_id)

    assert (summary.status, summary.approved, summary.items) == ("ready", 30, 30)
    assert approved_per_invoice(http_gateway) == Counter({i: 1 for i in seeded.invoice_ids})
    with host.db.reading() as s:
        assert set(s.execute(select(Invoice.status).where(Invoice.id.in_(seeded.invoice_ids))).scalars()) == {"paid"}
        assert s.execute(select(func.count()).select_from(Payment)).scalar_one() == 30
        assert s.execute(select(func.count()).select_from(PaymentAttempt)).scalar_one() == 30
        re_asked = s.execute(select(func.count()).select_from(ChargeBatchItem).where(
            ChargeBatchItem.log.like("Asked the gateway again%"))).scalar_one()
    assert re_asked >= in_flight


def test_cli_previews_and_charges_in_this_process(charging, host, http_gateway, fakepay_dist, database_url,
                                                  instance_dir):
    seeded = seed_invoices(host.db, gateway="fakepay", count=4, total="12.50")
    day = date.today().isoformat()
    env = host_env(database_url, instance_dir, fakepay_dist, FAKEPAY_URL=http_gateway.url)
    shown = run_splynx(["charge", "--handler", "fakepay", "--period", f"{day}..{day}", "--total", ">10",
                        "--preview"], env)
    assert shown.returncode == 0, shown.stderr
    assert "Amount: 4  Total sum: 50.00  Due sum: 50.00" in shown.stdout
    assert http_gateway.ledger.listing() == []
    charged = run_splynx(["charge", "--handler", "fakepay", "--period", f"{day}..{day}", "--param",
                          "descriptor=NOV INTERNET"], env)
    assert charged.returncode == 0, charged.stdout + charged.stderr
    with host.db.reading() as s:
        batch_id = s.execute(select(ChargeBatch.id)).scalar_one()
    assert f"Charge batch #{batch_id}: ready; charged 50.00." in charged.stdout
    assert approved_per_invoice(http_gateway) == Counter({i: 1 for i in seeded.invoice_ids})
    assert {e["descriptor"] for e in http_gateway.ledger.listing()} == {"NOV INTERNET"}
    history = run_splynx(["charge", "history"], env)
    assert "4 approved, 0 declined, 0 unknown, 0 skipped of 4" in history.stdout
    log = run_splynx(["charge", "log", str(batch_id)], env)
    assert log.stdout.splitlines()[0].startswith("Invoice ID,Invoice number,Customer ID")
    assert len(log.stdout.splitlines()) == 5 and log.stdout.count(",approved,") == 4
