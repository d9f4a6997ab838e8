"""Redeeming a card: the one code path behind the admin modal, the portal form, the CLI and the hook.

:func:`redeem` runs in one database transaction: it finds the card, flips it from Active
to Used with a conditional ``UPDATE ... WHERE status = 'active'`` (of concurrent
redemptions of one code exactly one changes a row; the others see zero rows and are
refused) and books the payment and its credit line through the host ledger in the same
transaction. The payment's gateway reference is ``card-<id>``, unique per gateway, so a
card can never be booked twice even if the same redemption is replayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hostapp.db import Database
from hostapp.models import Customer, utcnow
from hostapp.services.ledger import PaymentBooking, record_payment

from . import codes, guard
from .models import ACTIVE, DISABLED, USED, Card
from .settings import options as voucher_options

GATEWAY = "refill_cards"
METHOD = "Refill card"


class RedeemRefused(ValueError):
    """The card cannot be redeemed; the message is safe to show to the customer."""


@dataclass(frozen=True)
class Redemption:
    """A redeemed card and the payment it booked."""

    card_id: int
    full_code: str
    amount: Decimal
    customer_id: int
    payment_id: int
    reference: str


def reference_of(card_id: int) -> str:
    return f"card-{card_id}"


def redeem(db: Database, code: str, customer_id: int, *, actor: str, throttle: bool = True,
           attempt_key: str | None = None) -> Redemption:
    """Redeem ``code`` for a customer or raise :class:`RedeemRefused` (or :class:`guard.LockedOut`).

    ``throttle`` counts refused codes against the customer (portal and hook requests);
    operators redeeming from the admin UI or the CLI are not throttled.
    """
    code = codes.normalise(code)
    refusal = None
    with db.transaction() as session:
        options = voucher_options(session)
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise RedeemRefused("Choose a customer to redeem the card for.")
        if throttle:
            guard.check(session, customer_id)
        try:
            redemption = _redeem(session, code, customer, options.lock_partner, actor, attempt_key)
        except RedeemRefused as exc:
            refusal = exc
            locked_until = guard.record_failure(session, customer_id, options) if throttle else None
        else:
            if throttle:
                guard.record_success(session, customer_id)
            return redemption
    if locked_until is not None:
        raise guard.LockedOut(locked_until) from refusal
    raise refusal


def _redeem(session: Session, code: str, customer: Customer, lock_partner: bool, actor: str,
            attempt_key: str | None) -> Redemption:
    if not code:
        raise RedeemRefused("Enter the card's code.")
    if not codes.looks_like_code(code):
        raise RedeemRefused("This is not a refill card code. Enter the full code as printed, "
                            "for example 202601-PROMO-x7Yq9P2k.")
    card = session.execute(select(Card).where(Card.full_code == code)).scalar_one_or_none()
    if card is None:
        raise RedeemRefused("No refill card has this code. Check the code and try again.")
    today = date.today()
    if card.status == USED:
        raise RedeemRefused("This refill card has already been used.")
    if card.status == DISABLED:
        raise RedeemRefused("This refill card is disabled. Please contact us.")
    if card.valid_till < today:
        raise RedeemRefused(f"This refill card expired on {card.valid_till.isoformat()}.")
    partner_id = card.series.partner_id
    if lock_partner and partner_id is not None and partner_id != customer.partner_id:
        raise RedeemRefused("This refill card was issued by another provider and cannot be used for this account.")
    changed = session.execute(
        update(Card).where(Card.id == card.id, Card.status == ACTIVE, Card.valid_till >= today)
        .values(status=USED, customer_id=customer.id, activated_at=utcnow(), redeemed_by=actor[:64],
                attempt_key=attempt_key)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise RedeemRefused("This refill card has already been used.")
    payment = record_payment(session, PaymentBooking(
        customer_id=customer.id, amount=card.price, method=METHOD, comment=f"Refill card {card.full_code}",
        description="Refill card", gateway=GATEWAY, gateway_reference=reference_of(card.id), added_by=actor[:64]))
    session.execute(update(Card).where(Card.id == card.id).values(payment_id=payment.id)
                    .execution_options(synchronize_session=False))
    return Redemption(card.id, card.full_code, card.price, customer.id, payment.id, reference_of(card.id))


def redeemed_by_attempt(db: Database, attempt_key: str) -> Redemption | None:
    """The redemption a payment attempt made, if any (the hook's idempotency look-up)."""
    with db.transaction() as session:
        card = session.execute(select(Card).where(Card.attempt_key == attempt_key)).scalar_one_or_none()
        if card is None or card.status != USED:
            return None
        return Redemption(card.id, card.full_code, card.price, card.customer_id, card.payment_id,
                          reference_of(card.id))
