"""A worker killed in the middle of a batch: the batch resumes and nobody is charged twice.

``splynx charge`` runs the batch in a separate process against a real HTTP gateway (the
fakepay gateway server, whose ledger outlives the process). Its kill switch makes the
process die right after the gateway approved a charge and before the host booked it, the
worst moment. The batch is then resumed from this process, which re-asks the gateway about
the charges in flight with their attempt keys; the gateway's own ledger must show every
invoice charged exactly once.
"""

import time
from collections import Counter
from dataclasses import replace

from sqlalchemy import func, select

from hostapp.models import ChargeBatch, ChargeBatchItem, Invoice, Payment, PaymentAttempt
from tests.charging.conftest import approved_per_invoice, wait_finished
from tests.charging.processes import host_env, run_splynx
from tests.charging.seed import seed_invoices

KILLED = 137


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

