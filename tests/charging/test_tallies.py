"""A batch's progress adds up its chunks' tallies, and says what counting every item says: while
lanes charge it in parallel, once it finished, and after its attempts change later (an
administrator's resolution, a refund, a late result)."""

import threading
from decimal import Decimal

from sqlalchemy import func, select

from hostapp.models import ChargeBatchItem, ChargeChunk, ChargeChunkTally, PaymentAttempt
from hostapp.services.charge_tallies import COUNTS, counted_items
from hostapp.services.charging.batches import create_batch, summarize
from hostapp.services.charging.runner import LaneRunner
from tests.charging.conftest import request, wait_finished
from tests.plugins import fakepay


def recount(host, batch_id: int) -> dict:
    """The batch's counts from every item and attempt, tallies aside."""
    with host.db.reading() as s:
        row = s.execute(counted_items().where(ChargeBatchItem.batch_id == batch_id)).one()
    return {**{name: int(getattr(row, name)) for name in COUNTS},
            "charged_sum": Decimal(row.charged_sum).quantize(Decimal("0.01"))}


def looked(host, batch_id: int) -> dict:
    """What the progress bar and the history show for the batch."""
    with host.db.reading() as s:
        summary = summarize(s, batch_id)
    return {**{name: getattr(summary, name) for name in COUNTS}, "charged_sum": summary.charged_sum}


def tallied_chunks(host, batch_id: int) -> tuple[int, int]:
    with host.db.reading() as s:
        return (s.execute(select(func.count()).select_from(ChargeChunkTally)
                          .where(ChargeChunkTally.batch_id == batch_id)).scalar_one(),
                s.execute(select(func.count()).select_from(ChargeChunk)
                          .where(ChargeChunk.batch_id == batch_id)).scalar_one())


def attempt_of(host, batch_id: int, status: str) -> PaymentAttempt:
    with host.db.reading() as s:
        return s.execute(select(PaymentAttempt).where(PaymentAttempt.batch_id == batch_id,
                                                      PaymentAttempt.status == status)
                         .order_by(PaymentAttempt.id)).scalars().first()


def test_a_new_batch_is_tallied_as_all_queued(charging, card_customer, factory, host):
    for n in range(7):
        factory.invoice(card_customer(), f"{n + 1}.00")
    with host.db.transaction() as s:
        batch = create_batch(s, request(), concurrency=2, lanes=1, chunk_size=3, runner="inprocess")
    assert tallied_chunks(host, batch.id) == (3, 3)
    assert looked(host, batch.id) == recount(host, batch.id) == {
        "items": 7, "queued": 7, "in_flight": 0, "approved": 0, "declined": 0, "unknown": 0, "skipped": 0,
        "charged_sum": Decimal("0.00")}


def test_a_finished_batch_is_counted_from_its_tallies_and_later_changes_show(charging, card_customer, factory,
                                                                              host):
    for _ in range(5):
        factory.invoice(card_customer(), "10.00")
    factory.invoice(card_customer(token="tok-decline"), "20.00")
    factory.invoice(factory.customer(), "30.00")  # no saved card: declined
    fakepay.GATEWAY.script = ["approve", "timeout_after_charge"]
    with host.db.transaction() as s:
        batch = create_batch(s, request(), concurrency=1, lanes=1, chunk_size=2, runner="inprocess")
    assert LaneRunner(host).run(batch.id, 0) == "ready"
    assert tallied_chunks(host, batch.id) == (4, 4)
    first = looked(host, batch.id)
    assert first == recount(host, batch.id)
    assert (first["approved"], first["declined"], first["unknown"], first["charged_sum"]) == (
        4, 2, 1, Decimal("40.00"))

    unknown = attempt_of(host, batch.id, "unknown")
    host.payments.resolve(unknown.id, charged=True, actor="admin", reason="The gateway's report shows it charged.")
    resolved = looked(host, batch.id)
    assert resolved == recount(host, batch.id)
    assert (resolved["approved"], resolved["unknown"], resolved["charged_sum"]) == (5, 0, Decimal("50.00"))

    approved = attempt_of(host, batch.id, "approved")
    host.payments.refund(gateway="fakepay", payment_id=approved.payment_id, amount=Decimal("10.00"),
                         initiated_by="admin")
    refunded = looked(host, batch.id)
    assert refunded == recount(host, batch.id)
    assert (refunded["approved"], refunded["charged_sum"]) == (5, Decimal("40.00"))


def test_a_result_booked_after_its_chunk_was_tallied_shows(charging, card_customer, factory, host):
    """A lane that lost its chunk may still book a result there (its lease ran out meanwhile)."""
    factory.invoice(card_customer(), "12.00")
    fakepay.GATEWAY.script = ["timeout_after_charge"]
    with host.db.transaction() as s:
        batch = create_batch(s, request(), concurrency=1, lanes=1, chunk_size=5, runner="inprocess")
    LaneRunner(host).run(batch.id, 0)
    assert looked(host, batch.id)["unknown"] == 1
    unknown = attempt_of(host, batch.id, "unknown")
    with host.db.transaction() as s:
        host.payments.finish_many(s, {unknown.id: fakepay._approved(unknown.key)})
    assert looked(host, batch.id) == recount(host, batch.id)
    assert looked(host, batch.id)["approved"] == 1


def test_progress_watched_while_lanes_charge_and_unknowns_are_resolved_in_parallel(charging, card_customer,
                                                                                   factory, host):
    for n in range(48):  # every seventh customer has no saved card: declined without a gateway call
        factory.invoice(factory.customer() if n % 7 == 0 else card_customer(), "3.00")
    fakepay.GATEWAY.latency = 0.005
    fakepay.GATEWAY.script = ["approve", "approve", "timeout_after_charge"] * 16
    with host.db.transaction() as s:
        batch = create_batch(s, request(), concurrency=6, lanes=3, chunk_size=4, runner="inprocess")
    running = threading.Event()
    running.set()
    looks: list[dict] = []
    failures: list[BaseException] = []

    def watch():
        while running.is_set():
            looks.append(looked(host, batch.id))

    def resolve_unknowns():
        while running.is_set():
            attempt = attempt_of(host, batch.id, "unknown")
            if attempt is not None:
                try:
                    host.payments.resolve(attempt.id, charged=True, actor="admin", reason="Charged, says the gateway.")
                except Exception as exc:  # noqa: BLE001 - an attempt resolved by its lane meanwhile is refused
                    failures.append(exc)

    helpers = [threading.Thread(target=watch), threading.Thread(target=resolve_unknowns)]
    lanes = [threading.Thread(target=LaneRunner(host).run, args=(batch.id, lane)) for lane in range(3)]
    for thread in helpers + lanes:
        thread.start()
    for thread in lanes:
        thread.join(120)
    running.clear()
    for thread in helpers:
        thread.join(60)

    assert len(looks) > 3
    for look in looks:  # every look is one consistent reading: each item counted exactly once
        assert look["items"] == 48
        assert sum(look[name] for name in COUNTS if name != "items") == 48, look
    settled = [look["approved"] + look["declined"] + look["unknown"] + look["skipped"] for look in looks]
    assert settled == sorted(settled)
    final = looked(host, batch.id)
    assert final == recount(host, batch.id)
    assert final["approved"] + final["declined"] + final["unknown"] == 48
    assert final["declined"] == 7
    assert final["charged_sum"] == Decimal("3.00") * final["approved"]
    assert tallied_chunks(host, batch.id)[1] == 12
    assert all("not open any more" in str(exc) for exc in failures)
