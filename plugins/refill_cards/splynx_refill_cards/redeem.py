"""Redeeming a card: the one code path behind the admin modal, the portal form and the CLI.

A redemption moves money, so it goes through the host's payment service like any top-up:

1. :func:`redeem` checks the code (format, known, not used, not expired, partner) and the
   customer's throttle (:mod:`.throttle`: a wrong code counts; the customer's own card sent
   again, a double click, does not), then asks ``host.payments.pay`` to top up the balance by the
   card's price with ``source="refill_card"``. The host writes a pending attempt first.
2. The host calls this add-on's ``splynx_refill_balance``, which runs :func:`use_card`: a
   conditional ``UPDATE ... WHERE status = 'active'`` flips the card to Used under the
   attempt's key (of concurrent redemptions of one code exactly one changes a row; the
   others are declined).
3. The host books the payment and its credit line under the reference ``card-<id>``
   (unique per gateway, so a card is never booked twice). Asked again with the same attempt
   key (the reconciler after a crash), the hook finds the card by that key and answers the
   same approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import models as records
from core.host import Host
from core.models import utcnow
from core.payments import PaymentRequest, PaymentResult, PaymentStatus

from . import codes, throttle as wrong_codes
from .models import ACTIVE, DISABLED, USED, Card
from .settings import ADDON_ID
from .settings import options as voucher_options

GATEWAY = ADDON_ID
METHOD = "Refill card"
SOURCE = "refill_card"


class RedeemRefused(ValueError):
    """The card cannot be redeemed; the message is safe to show to the customer."""


class AlreadyRedeemed(RedeemRefused):
    """The customer's own card, redeemed before (a double click, a resent form): not a guess."""


@dataclass(frozen=True)
class Redemption:
    """A redeemed card and the payment it booked."""

    card_id: int
    full_code: str
    amount: Decimal
    customer_id: int
    payment_id: int | None


def reference_of(card_id: int) -> str:
    return f"card-{card_id}"


def redeem(host: Host, code: str, customer_id: int, *, actor: str, throttle: bool = False) -> Redemption:
    """Redeem ``code`` for a customer or raise :class:`RedeemRefused` (or :class:`core.web.TooManyAttempts`).

    ``throttle`` counts wrong codes against the customer (the portal's requests; it needs the
    web request's app); operators redeeming from the admin UI or the CLI are not throttled.
    """
    code = codes.normalise(code)
    refusal = None
    with host.db.transaction() as session:
        options = voucher_options(host, session)
        customer = session.get(records.Customer, customer_id)
        if customer is None:
            raise RedeemRefused("Choose a customer to redeem the card for.")
        if throttle:
            wrong_codes.check(options, customer_id)
        try:
            card = redeemable(session, code, customer, options.lock_partner)
            card_id, price = card.id, card.price
        except RedeemRefused as exc:
            refusal = exc
    if refusal is not None:
        if throttle and not isinstance(refusal, AlreadyRedeemed):
            wrong_codes.wrong_code(options, customer_id)
        raise refusal
    outcome = host.payments.pay(gateway=GATEWAY, customer_id=customer_id, target_kind="balance", amount=price,
                                source=SOURCE, details={"code": code, "actor": actor}, initiated_by=actor[:64],
                                description=METHOD)
    if not outcome.approved:
        raise RedeemRefused(outcome.message)
    if throttle:
        wrong_codes.good_code(options, customer_id)
    with host.db.transaction() as session:
        session.execute(update(Card).where(Card.id == card_id).values(payment_id=outcome.payment_id)
                        .execution_options(synchronize_session=False))
    return Redemption(card_id, code, outcome.amount, customer_id, outcome.payment_id)


def redeemable(session: Session, code: str, customer, lock_partner: bool) -> Card:
    """The card ``code`` names if ``customer`` may redeem it now, else :class:`RedeemRefused`.

    A partner's card is refused to other partners' customers when its series is locked to the
    partner or ``lock_partner`` (the add-on setting) locks every series.
    """
    if not code:
        raise RedeemRefused("Enter the card's code.")
    if not codes.looks_like_code(code):
        raise RedeemRefused("This is not a refill card code. Enter the full code as printed, "
                            "for example 202601-PROMO-x7Yq9P2k.")
    card = session.execute(select(Card).where(Card.full_code == code)).scalar_one_or_none()
    if card is None:
        raise RedeemRefused("No refill card has this code. Check the code and try again.")
    if card.status == USED and card.customer_id == customer.id:
        when = f" on {card.activated_at:%Y-%m-%d %H:%M} UTC" if card.activated_at else ""
        raise AlreadyRedeemed(f"This refill card was already redeemed for your account{when}.")
    if card.status == USED:
        raise RedeemRefused("This refill card has already been used.")
    if card.status == DISABLED:
        raise RedeemRefused("This refill card is disabled. Please contact us.")
    if card.valid_till < date.today():
        raise RedeemRefused(f"This refill card expired on {card.valid_till.isoformat()}.")
    partner_id = card.series.partner_id
    locked = lock_partner or card.series.locked_to_partner
    if locked and partner_id is not None and partner_id != customer.partner_id:
        raise RedeemRefused("This refill card was issued by another provider and cannot be used for this account.")
    return card


def use_card(host: Host, request: PaymentRequest) -> PaymentResult:
    """What ``splynx_refill_balance`` does: flip the card to Used under the attempt key, once."""
    if request.source != SOURCE:
        return PaymentResult.declined("Refill cards only redeem refill-card codes.")
    with host.db.transaction() as session:
        card = session.execute(select(Card).where(Card.attempt_key == request.attempt_key)).scalar_one_or_none()
        if card is not None:
            return _approved(card)
        details = request.details or {}
        code = codes.normalise(str(details.get("code", "")))
        customer = session.get(records.Customer, request.customer_id)
        try:
            card = redeemable(session, code, customer, voucher_options(host, session).lock_partner)
            if card.price != request.amount:
                raise RedeemRefused("The price of this refill card changed; please try again.")
        except RedeemRefused as exc:
            return PaymentResult.declined(str(exc))
        changed = session.execute(
            update(Card).where(Card.id == card.id, Card.status == ACTIVE, Card.valid_till >= date.today())
            .values(status=USED, customer_id=customer.id, activated_at=utcnow(),
                    redeemed_by=str(details.get("actor") or f"attempt:{request.attempt_key}")[:64],
                    attempt_key=request.attempt_key)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            return PaymentResult.declined("This refill card has already been used.")
        return _approved(card)


def _approved(card: Card) -> PaymentResult:
    return PaymentResult(PaymentStatus.APPROVED, reference=reference_of(card.id), amount=card.price, method=METHOD,
                         message=f"Refill card {card.full_code}")
