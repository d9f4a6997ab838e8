"""Charge batches move money correctly: at most once per batch, never over another attempt,
declines back to Unpaid with the reason, paid invoices skipped on re-runs, bounded concurrency.

The gateway is the fakepay test double's in-memory ledger (charges by attempt key, like a
gateway by transaction id), so "charged once" is checked against the gateway's own books.
"""

import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from hostapp.models import (
    ChargeBatch,
    ChargeBatchItem,
    ChargeChunk,
    ChargeLane,
    Invoice,
    Payment,
    PaymentAccount,
    PaymentAttempt,
    ProformaInvoice,
)
from core.models import utcnow
from hostapp.services.charging.batches import create_batch, results
from hostapp.services.charging.claims import IN_PROGRESS, BatchInfo, claim_items
from hostapp.services.charging.leases import Leases
from hostapp.services.charging.runner import LaneRunner
from hostapp.services.charging.service import ChargeService, ResumeWatch
from hostapp.services.ledger import PaymentBooking, record_payment
from tests.charging.conftest import request, today_filters, wait_finished
from tests.plugins import fakepay


def charged_invoices(host) -> Counter:
    """How often the gateway charged each invoice (its ledger, mapped through the attempt keys)."""
    with host.db.reading() as s:
        targets = dict(s.execute(select(PaymentAttempt.key, PaymentAttempt.target_id)).all())
    return Counter(targets[key] for key in fakepay.GATEWAY.charges)


def statuses(host, model=Invoice) -> dict:
    with host.db.reading() as s:
        return dict(s.execute(select(model.id, model.status)).all())


def test_a_batch_charges_each_invoice_once_and_books_it(charging, card_customer, factory, host):
    invoices = [factory.invoice(card_customer(), f"{10 + n}.00") for n in range(5)]
    no_card = factory.invoice(factory.customer(), "9.00")
    summary = wait_finished(charging, charging.charge(request()))
    assert (summary.status, summary.approved, summary.declined, summary.items) == ("ready", 5, 1, 6)
    assert summary.charged_sum == Decimal("60.00")
    assert charged_invoices(host) == Counter({i.id: 1 for i in invoices})
    assert statuses(host) == {**{i.id: "paid" for i in invoices}, no_card.id: "not_paid"}
    with host.db.reading() as s:
        assert s.execute(select(func.count()).select_from(Payment)).scalar_one() == 5
        [row] = [r for r in results(s, summary.id) if r["target_id"] == no_card.id]
    assert (row["result"], row["message"]) == ("declined", "Customer payment account is empty!")


def test_declined_invoice_returns_to_unpaid_with_the_reason(charging, card_customer, factory, host):
    invoice = factory.invoice(card_customer(token="tok-decline"), "20.00")
    summary = wait_finished(charging, charging.charge(request()))
    assert summary.declined == 1 and statuses(host) == {invoice.id: "not_paid"}
    with host.db.reading() as s:
        attempt = s.execute(select(PaymentAttempt)).scalar_one()
        [row] = results(s, summary.id)
    assert (attempt.status, attempt.message, attempt.open_target) == ("declined", "Card declined (005)", None)
    assert (row["result"], row["message"]) == ("declined", "Card declined (005)")
    assert fakepay.GATEWAY.charges == {}


def test_invoice_shows_pending_while_its_charge_is_in_flight(charging, card_customer, factory, host):
    invoice = factory.invoice(card_customer(), "20.00")
    fakepay.GATEWAY.hold.clear()
    batch_id = charging.charge(request())
    deadline = time.monotonic() + 10
    while not fakepay.GATEWAY.in_flight and time.monotonic() < deadline:
        time.sleep(0.02)
    assert statuses(host) == {invoice.id: "pending"}
    assert charging.summary(batch_id).in_flight == 1
    fakepay.GATEWAY.hold.set()
    assert wait_finished(charging, batch_id).approved == 1
    assert statuses(host) == {invoice.id: "paid"}


def test_never_charged_while_another_attempt_is_pending_or_unknown(charging, card_customer, factory, host):
    unknown_one = factory.invoice(card_customer(), "10.00")
    in_flight = factory.invoice(card_customer(), "11.00")
    free = factory.invoice(card_customer(), "12.00")
    fakepay.GATEWAY.script = ["timeout_after_charge"]
    assert host.payments.pay(gateway="fakepay", customer_id=unknown_one.customer_id, target_kind="invoice",
                             target_id=unknown_one.id).status.value == "unknown"
    batch_id = charging.create(request(today_filters(status="any")))
    with host.db.transaction() as s:  # a portal payment starts after the batch selected the invoice
        host.payments.open_attempt(s, gateway="fakepay", customer_id=in_flight.customer_id, target_kind="invoice",
                                   target_id=in_flight.id, amount=None)
    assert charging.run_here(batch_id) == "ready"
    assert charged_invoices(host) == Counter({unknown_one.id: 1, free.id: 1})  # the first from the portal
    with host.db.reading() as s:
        rows = {r["target_id"]: r for r in results(s, batch_id)}
    assert rows[unknown_one.id]["result"] == rows[in_flight.id]["result"] == "skipped"
    assert rows[in_flight.id]["message"] == IN_PROGRESS
    assert rows[free.id]["result"] == "approved"
    assert statuses(host)[unknown_one.id] == statuses(host)[in_flight.id] == "pending"


def test_at_most_once_per_batch_with_two_lanes_racing(charging, card_customer, factory, host):
    invoices = [factory.invoice(card_customer(), "5.00") for _ in range(12)]
    fakepay.GATEWAY.latency = 0.01
    with host.db.transaction() as s:
        batch = create_batch(s, request(), concurrency=4, lanes=2, chunk_size=3, runner="inprocess")
    runner = LaneRunner(host)
    outcomes = []
    threads = [threading.Thread(target=lambda lane=lane: outcomes.append(runner.run(batch.id, lane)))
               for lane in (0, 1, 0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) in (["busy", "ready", "ready"], ["ready", "ready", "ready"])
    assert charged_invoices(host) == Counter({i.id: 1 for i in invoices})
    with host.db.reading() as s:
        attempts = s.execute(select(PaymentAttempt.target_id, func.count()).group_by(PaymentAttempt.target_id)).all()
    assert all(count == 1 for _, count in attempts) and len(attempts) == 12
    assert fakepay.GATEWAY.max_in_flight <= 4


def test_paid_invoices_are_skipped_when_a_batch_is_run_again(charging, card_customer, factory, host):
    good = [factory.invoice(card_customer(), "10.00") for _ in range(2)]
    declined_customer = card_customer(token="tok-decline")
    declined = factory.invoice(declined_customer, "30.00")
    first = wait_finished(charging, charging.charge(request()))
    assert (first.approved, first.declined) == (2, 1)
    with host.db.transaction() as s:  # the customer saves a working card
        s.execute(update(PaymentAccount).where(PaymentAccount.customer_id == declined_customer.id)
                  .values(token="tok-ok"))
    second = wait_finished(charging, charging.charge(request(today_filters(status="any"))))
    assert (second.items, second.approved) == (1, 1)
    assert charged_invoices(host) == Counter({good[0].id: 1, good[1].id: 1, declined.id: 1})


def test_an_invoice_paid_after_selection_is_skipped(charging, card_customer, factory, host):
    invoice = factory.invoice(card_customer(), "10.00")
    other = factory.invoice(card_customer(), "20.00")
    batch_id = charging.create(request())
    with host.db.transaction() as s:  # paid at the counter before the batch got to it
        record_payment(s, PaymentBooking(customer_id=invoice.customer_id, amount=Decimal("10.00"), method="Cash",
                                         invoice=s.get(Invoice, invoice.id)))
    assert charging.run_here(batch_id) == "ready"
    with host.db.reading() as s:
        rows = {r["target_id"]: r for r in results(s, batch_id)}
    assert rows[invoice.id]["result"] == "skipped" and "already paid" in rows[invoice.id]["message"]
    assert charged_invoices(host) == Counter({other.id: 1})


def test_gateway_concurrency_stays_within_the_bound(charging, card_customer, factory, host):
    for _ in range(12):
        factory.invoice(card_customer(), "3.00")
    fakepay.GATEWAY.latency = 0.05
    summary = wait_finished(charging, charging.charge(request(), concurrency=3))
    assert summary.approved == 12
    assert fakepay.GATEWAY.max_in_flight == 3


def test_handler_failure_stops_the_batch_and_resume_finishes_it(charging, card_customer, factory, host):
    invoices = [factory.invoice(card_customer(), "7.00") for _ in range(3)]
    fakepay.GATEWAY.script = ["approve", "raise"]
    summary = wait_finished(charging, charging.charge(request(), concurrency=1))
    assert summary.status == "error" and "ConnectionError" in summary.error
    assert (summary.approved, summary.unknown) == (1, 2)
    assert sorted(statuses(host).values()) == ["paid", "pending", "pending"]  # unknown: blocked, not retried
    assert charging.resume(summary.id)
    resumed = wait_finished(charging, summary.id)
    assert (resumed.status, resumed.approved, resumed.unknown) == ("ready", 3, 0)
    assert charged_invoices(host) == Counter({i.id: 1 for i in invoices})


def test_a_dead_workers_chunk_is_taken_over_and_re_asked_with_the_same_keys(charging, card_customer, factory, host):
    invoices = [factory.invoice(card_customer(), "8.00") for _ in range(3)]
    with host.db.transaction() as s:
        batch = create_batch(s, request(), concurrency=2, lanes=1, chunk_size=3, runner="inprocess")
    leases = Leases(host.db, 30)
    assert leases.take_lane(batch.id, 0, "dead-worker") and leases.claim_chunk(batch.id, "dead-worker")
    with host.db.reading() as s:
        items = list(s.execute(select(ChargeBatchItem).order_by(ChargeBatchItem.id)).scalars())
    claimed = claim_items(host, BatchInfo(batch.id, "fakepay", "invoice", {}, 2), items)
    first = claimed[0].charge
    fakepay.GATEWAY.charges[first.attempt_key] = first.amount  # it charged, then died before booking
    assert statuses(host) == {i.id: "pending" for i in invoices}
    assert LaneRunner(host).run(batch.id, 0) == "busy"  # its lease is still alive
    with host.db.transaction() as s:  # ... and then it runs out
        past = utcnow() - timedelta(seconds=1)
        for model in (ChargeChunk, ChargeLane):
            s.execute(update(model).values(lease_until=past))
    assert LaneRunner(host).run(batch.id, 0) == "ready"
    assert charged_invoices(host) == Counter({i.id: 1 for i in invoices})
    assert statuses(host) == {i.id: "paid" for i in invoices}
    with host.db.reading() as s:
        assert s.execute(select(ChargeChunk.claims)).scalar_one() == 2
        logs = [r["log"] for r in results(s, batch.id)]
    assert all(log.startswith("Asked the gateway again after an interruption") for log in logs)


def test_stopped_batch_leaves_the_rest_uncharged_until_resumed(charging, card_customer, factory, host):
    for _ in range(4):
        factory.invoice(card_customer(), "4.00")
    host.config = replace(host.config, charge_chunk_size=2)
    fakepay.GATEWAY.hold.clear()
    batch_id = charging.charge(request())
    while not fakepay.GATEWAY.in_flight:
        time.sleep(0.02)
    charging.cancel(batch_id, "test")
    fakepay.GATEWAY.hold.set()
    stopped = wait_finished(charging, batch_id)
    assert (stopped.status, stopped.approved, stopped.queued) == ("cancelled", 2, 2)
    assert sorted(statuses(host).values()) == ["not_paid", "not_paid", "paid", "paid"]  # claimed ahead, given back
    with host.db.reading() as s:
        assert s.execute(select(func.count()).select_from(PaymentAttempt)).scalar_one() == 2
    assert charging.resume(batch_id, "test")
    assert wait_finished(charging, batch_id).approved == 4


def test_proforma_invoices_are_charged_too(charging, card_customer, factory, host):
    proforma = factory.proforma(card_customer(), "50.00")
    summary = wait_finished(charging, charging.charge(request(today_filters(target_kind="proforma"))))
    assert summary.approved == 1
    assert statuses(host, ProformaInvoice) == {proforma.id: "paid"}



def test_the_resume_watch_carries_on_a_batch_whose_worker_died(charging, card_customer, factory, host):
    invoices = [factory.invoice(card_customer(), "6.00") for _ in range(2)]
    host.config = replace(host.config, charge_lease_seconds=1)
    batch_id = charging.create(request())
    assert Leases(host.db, 1).take_lane(batch_id, 0, "dead-worker")  # it took the lane, started, then died
    with host.db.transaction() as s:
        s.execute(update(ChargeBatch).values(status="running", started_at=utcnow()))
    time.sleep(1.2)
    watch = ResumeWatch(host, "test", interval=0.1).start()
    try:
        assert wait_finished(ChargeService(host), batch_id).approved == 2
    finally:
        watch.stop()
    assert charged_invoices(host) == Counter({i.id: 1 for i in invoices})
