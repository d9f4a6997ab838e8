"""Redemptions go through the host's payment service and the refill-balance hook; concurrent ones book once.

The race test runs on whatever database the suite runs on: SQLite by default, MariaDB or
PostgreSQL when ``SPLYNX_DATABASE_URL`` names one (CI runs all three).
"""

import threading
from decimal import Decimal

from refill_helpers import balance_of
from sqlalchemy import func, select

from hostapp.models import Payment, PaymentAttempt
from splynx_refill_cards.models import Card
from splynx_refill_cards.redeem import RedeemRefused, redeem
from splynx_testing.fixtures import make_test_app


def _pay(host, customer_id, code, amount="10.00"):
    return host.payments.pay(gateway="refill_cards", customer_id=customer_id, target_kind="balance",
                             amount=Decimal(amount), source="refill_card", details={"code": code},
                             initiated_by="customer:test")


def test_payment_service_redeems_through_the_hook_and_books_once(refill, make_series, factory):
    customer = factory.customer()
    _, (code, *_) = make_series(1, price="25.00")
    with make_test_app(refill).app_context():
        outcome = _pay(refill, customer.id, code, "25.00")
        assert outcome.approved and outcome.payment_id
        with refill.db.transaction() as session:
            payments = session.execute(select(Payment)).scalars().all()
            attempt = session.get(PaymentAttempt, outcome.attempt_id)
            card = session.execute(select(Card).where(Card.full_code == code)).scalar_one()
            assert [p.id for p in payments] == [outcome.payment_id]
            assert payments[0].amount == Decimal("25.00") and payments[0].method.name == "Refill card"
            assert (attempt.status, attempt.gateway_reference) == ("approved", f"card-{card.id}")
            assert card.attempt_key == attempt.key
        # reconciling the same attempt asks the hook again: same card, same payment, no new booking
        with refill.db.transaction() as session:
            session.get(PaymentAttempt, outcome.attempt_id).status = "unknown"
        again = refill.payments.reconcile(outcome.attempt_id)
        assert again.approved and again.payment_id == outcome.payment_id
        second = _pay(refill, customer.id, code, "25.00")
        assert not second.approved and "already redeemed for your account" in second.message
    assert balance_of(refill.db, customer.id) == Decimal("25.00")


def test_hook_declines_other_sources_and_bad_codes(refill, factory):
    customer = factory.customer()
    with make_test_app(refill).app_context():
        assert "only redeem" in refill.payments.pay(
            gateway="refill_cards", customer_id=customer.id, target_kind="balance", amount=Decimal("5"),
            source="card").message
        assert "No refill card has this code" in _pay(refill, customer.id, "202601-PROMO-NOPE1234").message
    with refill.db.transaction() as session:
        assert session.execute(select(func.count()).select_from(Payment)).scalar_one() == 0


def test_concurrent_redemptions_of_one_code_give_one_success_and_one_payment(refill, make_series, factory):
    threads_n = 8
    customers = [factory.customer() for _ in range(threads_n)]
    _, (code, *_) = make_series(1, price="10.00")
    barrier = threading.Barrier(threads_n)
    results: list = []

    def attempt(customer_id):
        barrier.wait()
        try:
            results.append(redeem(refill, code, customer_id, actor="race"))
        except RedeemRefused as exc:
            results.append(exc)

    threads = [threading.Thread(target=attempt, args=(c.id,)) for c in customers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, RedeemRefused)]
    assert len(wins) == 1 and len(losses) == threads_n - 1, results
    assert all("already been used" in str(e) for e in losses)
    with refill.db.transaction() as session:
        assert session.execute(select(func.count()).select_from(Payment)).scalar_one() == 1
        card = session.execute(select(Card).where(Card.full_code == code)).scalar_one()
        assert card.customer_id == wins[0].customer_id
    assert sum(balance_of(refill.db, c.id) for c in customers) == Decimal("10.00")


def test_concurrent_hook_redemptions_book_once(refill, make_series, factory):
    customers = [factory.customer() for _ in range(4)]
    _, (code, *_) = make_series(1)
    app = make_test_app(refill)
    barrier = threading.Barrier(len(customers))
    outcomes = []

    def attempt(customer_id):
        with app.app_context():
            barrier.wait()
            outcomes.append(_pay(refill, customer_id, code))

    threads = [threading.Thread(target=attempt, args=(c.id,)) for c in customers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(o.approved for o in outcomes) == [False, False, False, True]
    with refill.db.transaction() as session:
        assert session.execute(select(func.count()).select_from(Payment)).scalar_one() == 1
