"""``splynx charge`` as an operator runs it: a real process on the tests' database and a real gateway."""

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from hostapp.models import AutoChargeFilter, ChargeBatch
from tests.charging.conftest import approved_per_invoice
from tests.charging.processes import host_env, run_splynx
from tests.charging.seed import seed_invoices


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


def test_run_scheduled_starts_auto_filters_once_a_day(charging, host, http_gateway, fakepay_dist, database_url,
                                                     instance_dir):
    seeded = seed_invoices(host.db, gateway="fakepay", count=3, issued=date.today() - timedelta(days=14))
    with host.db.transaction() as s:
        s.add(AutoChargeFilter(title="Due today", handler="fakepay", schedule="on_due_date", filters={}))
    env = host_env(database_url, instance_dir, fakepay_dist, FAKEPAY_URL=http_gateway.url)
    first = run_splynx(["charge", "run-scheduled"], env)
    assert first.returncode == 0, first.stderr
    assert "Due today: started (batch #" in first.stdout
    assert approved_per_invoice(http_gateway) == Counter({i: 1 for i in seeded.invoice_ids})
    again = run_splynx(["charge", "run-scheduled"], env)
    assert f"Due today: already ran for {date.today()}" in again.stdout
    assert sum(approved_per_invoice(http_gateway).values()) == 3


def test_resume_and_worker_explain_what_they_need(charging, host, fakepay_dist, database_url, instance_dir):
    env = host_env(database_url, instance_dir, fakepay_dist)
    assert "Resumed: none." in run_splynx(["charge", "resume"], env).stdout
    worker = run_splynx(["worker"], env)
    assert worker.returncode != 0 and "Set SPLYNX_BROKER_URL" in worker.stderr
    usage = run_splynx(["charge", "--handler", "fakepay"], env)
    assert usage.returncode != 0 and "--handler and --period are required" in usage.stderr
