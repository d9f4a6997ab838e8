"""Many rows with one statement: ids back in the rows' order, updates by id, on every database.

The set-based booking of charge batches relies on :func:`inserted_ids` giving each row its
own id (allocations, ledger lines and batch items point at them) while other transactions
insert into the same table, and on :func:`update_by_id` writing exactly the rows it names.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from hostapp.models import PaymentAttempt
from hostapp.services.bulk_rows import insert_rows, inserted_ids, update_by_id


def attempt_rows(customer_id: int, tag: str, count: int) -> list[dict]:
    """Attempts that differ in every column a row can tell apart by, None included."""
    return [dict(key=f"{tag}-{n}", gateway="g", customer_id=customer_id, target_kind="invoice", target_id=n,
                 amount=Decimal(n) + Decimal("0.25"), source="card" if n % 2 else "bank",
                 account_id=None, open_target=f"{tag}:{n}" if n % 3 else None, status="pending",
                 initiated_by=f"batch {tag}", batch_id=n if n % 2 else None)
            for n in range(count)]


def stored(host, ids: list[int]) -> dict[int, PaymentAttempt]:
    with host.db.reading() as s:
        return {a.id: a for a in s.execute(select(PaymentAttempt).where(PaymentAttempt.id.in_(ids))).scalars()}


def test_inserted_ids_are_the_rows_ids_in_order_with_defaults_filled(host, factory):
    customer = factory.customer()
    rows = attempt_rows(customer.id, "one", 25)
    with host.db.transaction() as s:
        ids = inserted_ids(s, PaymentAttempt, rows)
    attempts = stored(host, ids)
    assert len(set(ids)) == len(rows)
    for attempt_id, row in zip(ids, rows):
        attempt = attempts[attempt_id]
        assert {name: getattr(attempt, name) for name in row} == row
        assert attempt.message == "" and attempt.checks == 0 and attempt.created_at is not None


def test_inserted_ids_stay_in_order_while_other_transactions_insert(host, factory):
    customer = factory.customer()

    def insert(tag: str) -> tuple[list[dict], list[int]]:
        rows = attempt_rows(customer.id, tag, 40)
        with host.db.transaction() as s:
            return rows, inserted_ids(s, PaymentAttempt, rows)

    with ThreadPoolExecutor(max_workers=4) as pool:
        batches = list(pool.map(insert, [f"t{n}" for n in range(8)]))
    everything = [attempt_id for _, ids in batches for attempt_id in ids]
    assert len(set(everything)) == 8 * 40
    attempts = stored(host, everything)
    for rows, ids in batches:
        assert [attempts[attempt_id].key for attempt_id in ids] == [row["key"] for row in rows]


def test_insert_rows_writes_every_row(host, factory):
    customer = factory.customer()
    rows = attempt_rows(customer.id, "plain", 7)
    with host.db.transaction() as s:
        insert_rows(s, PaymentAttempt, rows)
    with host.db.reading() as s:
        written = s.execute(select(PaymentAttempt).where(PaymentAttempt.key.like("plain-%"))).scalars().all()
    assert sorted(({name: getattr(a, name) for name in rows[0]} for a in written), key=lambda r: r["key"]) == \
        sorted(rows, key=lambda r: r["key"])


def test_nothing_to_insert_or_update(host):
    with host.db.transaction() as s:
        insert_rows(s, PaymentAttempt, [])
        assert inserted_ids(s, PaymentAttempt, []) == []
        update_by_id(s, PaymentAttempt, [])


def test_update_by_id_writes_only_the_rows_named_and_their_onupdate_columns(host, factory):
    customer = factory.customer()
    long_ago = datetime(2020, 1, 1, tzinfo=timezone.utc)
    with host.db.transaction() as s:
        ids = inserted_ids(s, PaymentAttempt, [dict(row, updated_at=long_ago)
                                               for row in attempt_rows(customer.id, "up", 6)])
    before = stored(host, ids)
    changed = ids[1::2]
    with host.db.transaction() as s:
        update_by_id(s, PaymentAttempt, [{"id": attempt_id, "status": "approved", "message": f"ok {attempt_id}",
                                          "open_target": None} for attempt_id in changed])
    after = stored(host, ids)
    for attempt_id in ids:
        if attempt_id in changed:
            assert (after[attempt_id].status, after[attempt_id].message, after[attempt_id].open_target) == \
                ("approved", f"ok {attempt_id}", None)
            assert after[attempt_id].updated_at > long_ago
        else:
            assert after[attempt_id].updated_at == long_ago
            assert (after[attempt_id].status, after[attempt_id].message, after[attempt_id].open_target) == \
                (before[attempt_id].status, before[attempt_id].message, before[attempt_id].open_target)
