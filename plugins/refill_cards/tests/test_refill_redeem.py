"""Redeeming: one booking per card, clear refusals that change nothing, throttling, partner lock."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from refill_helpers import balance_of, expire_card
from sqlalchemy import func, select

from core.web import TooManyAttempts
from hostapp.models import Payment, Transaction, utcnow
from splynx_refill_cards.models import Card
from splynx_refill_cards.redeem import RedeemRefused, redeem


def _counts(db):
    with db.transaction() as session:
        return (session.execute(select(func.count()).select_from(Payment)).scalar_one(),
                session.execute(select(func.count()).select_from(Transaction)).scalar_one(),
                session.execute(select(func.count()).where(Card.status == "used")).scalar_one())


def test_redeem_books_a_refill_card_payment_and_a_credit_line(refill, make_series, factory):
    customer = factory.customer()
    _, (code, *_) = make_series(2, price="15.50")
    done = redeem(refill, code, customer.id, actor="customer:test")
    assert done.amount == Decimal("15.50") and done.full_code == code
    assert balance_of(refill.db, customer.id) == Decimal("15.50")
    with refill.db.transaction() as session:
        card = session.execute(select(Card).where(Card.full_code == code)).scalar_one()
        payment = session.get(Payment, done.payment_id)
        line = session.execute(select(Transaction).where(Transaction.payment_id == payment.id)).scalar_one()
        assert (card.status, card.customer_id, card.payment_id) == ("used", customer.id, payment.id)
        assert card.activated_at is not None and utcnow() - card.activated_at < timedelta(minutes=1)
        assert payment.method.name == "Refill card" and payment.amount == Decimal("15.50")
        assert payment.comment == f"Refill card {code}"
        assert (payment.gateway, payment.gateway_reference) == ("refill_cards", f"card-{card.id}")
        assert (line.type, line.category.name, line.description, line.total) == \
                ("credit", "Payment", f"Refill card {code}", Decimal("15.50"))


def test_redeem_pays_open_invoices_from_the_card(refill, make_series, factory):
    customer = factory.customer()
    invoice = factory.invoice(customer, "8.00")
    _, (code, *_) = make_series(1, price="10.00")
    redeem(refill, code, customer.id, actor="test")
    assert factory.get(type(invoice), invoice.id).status == "paid"
    assert balance_of(refill.db, customer.id) == Decimal("2.00")


def test_spaces_around_and_inside_a_typed_code_are_ignored(refill, make_series, factory):
    _, (code, *_) = make_series(1)
    redeem(refill, f"  {code[:8]} {code[8:]}\n", factory.customer().id, actor="test")
    assert _counts(refill.db)[2] == 1


@pytest.mark.parametrize("case,message", [
    ("unknown", "No refill card has this code"),
    ("malformed", "not a refill card code"),
    ("empty", "Enter the card's code"),
    ("expired", "expired on"),
    ("disabled", "disabled"),
    ("used", "already been used"),
])
def test_refused_codes_get_a_clear_message_and_change_nothing(refill, make_series, factory, case, message):
    customer, other = factory.customer(), factory.customer()
    series_id, (code, spare) = make_series(2)
    if case == "used":
        redeem(refill, code, other.id, actor="test")
    elif case == "expired":
        expire_card(refill.db, code)
    elif case == "disabled":
        with refill.db.transaction() as session:
            session.execute(select(Card).where(Card.full_code == code)).scalar_one().status = "disabled"
    typed = {"unknown": f"{series_id}-PROMO-ZZZZZZZZ", "malformed": "'; DROP TABLE refill_cards_cards;--",
             "empty": "   "}.get(case, code)
    before = _counts(refill.db)
    with pytest.raises(RedeemRefused, match=message):
        redeem(refill, typed, customer.id, actor="test")
    assert _counts(refill.db) == before
    assert balance_of(refill.db, customer.id) == Decimal("0.00")


def test_wrong_codes_lock_the_customer_out_for_a_while(refill, refill_app, make_series, factory, set_setting):
    set_setting(max_failures=3, lockout_minutes=20)
    customer, neighbour = factory.customer(), factory.customer()
    series_id, (good, *_) = make_series(2)
    with refill_app.app_context():  # the counters are the app's rate limiter's
        for n in range(2):
            with pytest.raises(RedeemRefused):
                redeem(refill, f"{series_id}-PROMO-WRONG{n:03d}", customer.id, actor="test", throttle=True)
        with pytest.raises(TooManyAttempts, match="Try again in 20 minutes") as locked:
            redeem(refill, f"{series_id}-PROMO-WRONG999", customer.id, actor="test", throttle=True)
        assert 19 * 60 < locked.value.retry_after <= 20 * 60
        with pytest.raises(TooManyAttempts):
            redeem(refill, good, customer.id, actor="test", throttle=True)  # even a good code waits
        assert _counts(refill.db)[2] == 0
        redeem(refill, good, neighbour.id, actor="test", throttle=True)  # other customers are not affected
    assert balance_of(refill.db, neighbour.id) == Decimal("10.00")


def test_a_redeemed_card_forgets_the_wrong_codes_before_it(refill, refill_app, make_series, factory, set_setting):
    set_setting(max_failures=2)
    customer = factory.customer()
    _, codes = make_series(2)
    with refill_app.app_context():
        for code in codes:
            with pytest.raises(RedeemRefused):
                redeem(refill, "202601-PROMO-WRONG001", customer.id, actor="test", throttle=True)
            redeem(refill, code, customer.id, actor="test", throttle=True)
    assert balance_of(refill.db, customer.id) == Decimal("20.00")


def test_operators_are_not_throttled(refill, make_series, factory, set_setting):
    set_setting(max_failures=1)
    customer = factory.customer()
    _, (code, *_) = make_series(1)
    with pytest.raises(RedeemRefused):
        redeem(refill, "202601-PROMO-WRONG001", customer.id, actor="admin:root")
    redeem(refill, code, customer.id, actor="admin:root")


def test_a_series_generated_for_a_partner_is_locked_to_it_unless_unticked(refill, make_series, factory):
    north, south = factory.partner(), factory.partner()
    customer = factory.customer(partner=south)
    _, (locked, *_) = make_series(1, partner_id=str(north.id))
    _, (unlocked, *_) = make_series(1, partner_id=str(north.id), lock_partner=False)
    _, (any_partner, *_) = make_series(1, lock_partner=True)  # "Any": nothing to lock to
    with pytest.raises(RedeemRefused, match="another provider"):
        redeem(refill, locked, customer.id, actor="test")
    redeem(refill, unlocked, customer.id, actor="test")
    redeem(refill, any_partner, customer.id, actor="test")
    redeem(refill, locked, factory.customer(partner=north).id, actor="test")
    assert balance_of(refill.db, customer.id) == Decimal("20.00")


def test_the_setting_locks_every_partner_series(refill, make_series, factory, set_setting):
    north, south = factory.partner(), factory.partner()
    customer = factory.customer(partner=south)
    _, (code, spare) = make_series(2, partner_id=str(north.id), lock_partner=False)
    _, (any_partner, *_) = make_series(1)
    set_setting(lock_partner="1")
    with pytest.raises(RedeemRefused, match="another provider"):
        redeem(refill, code, customer.id, actor="test")
    redeem(refill, any_partner, customer.id, actor="test")  # "Any" series stay usable
    redeem(refill, spare, factory.customer(partner=north).id, actor="test")
    set_setting(lock_partner="0")
    redeem(refill, code, customer.id, actor="test")
    assert balance_of(refill.db, customer.id) == Decimal("20.00")


def test_codes_are_case_sensitive_on_every_database(refill, make_series, factory):
    """Codes differing only in case are different cards; a code typed in another case is refused."""
    series_id, _ = make_series(1, prefix="P")
    lower, upper = f"{series_id}-P-abcdEFGH", f"{series_id}-P-ABCDefgh"
    with refill.db.transaction() as session:
        for code, price in ((lower, "1.00"), (upper, "2.00")):
            session.add(Card(series_id=series_id, full_code=code, price=Decimal(price),
                             valid_till=date.today() + timedelta(days=1), status="active"))
    with pytest.raises(RedeemRefused, match="No refill card has this code"):
        redeem(refill, f"{series_id}-P-AbCdEfGh", factory.customer().id, actor="test")
    assert redeem(refill, upper, factory.customer().id, actor="test").amount == Decimal("2.00")
    assert redeem(refill, lower, factory.customer().id, actor="test").amount == Decimal("1.00")
