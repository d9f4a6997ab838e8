"""The payment vocabulary shared by the host and gateway add-ons.

* :class:`PaymentStatus` and the one state-transition gate :func:`transition`: every
  change of an attempt's status goes through it, so an approved attempt can never become
  declined and an unknown one is only ever *resolved*.
* :class:`PaymentRequest` / :class:`PaymentResult`: what the money hooks receive and return.
* :class:`RefundOf`: the payment a refund request gives money back for.
* :class:`ChargeBatch` / :class:`ChargeItemResult`: the bulk-charge hook's input and output.
* :class:`PaymentOutcome` / :class:`PaymentError`: what the host's payment service answers
  the page, CLI or add-on that asked it to move money.
* :func:`new_attempt_key`: the idempotency key of one payment attempt, usable as IPpay's
  18-character TransactionID and as an ``Idempotency-Key`` header.
"""

from __future__ import annotations

import enum
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

log = logging.getLogger(__name__)

CENT = Decimal("0.01")


class PaymentStatus(str, enum.Enum):
    """Where a payment attempt stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    #: the gateway may or may not have charged (timeout, garbage answer): reconcile first
    UNKNOWN = "unknown"
    REFUNDED = "refunded"

    @property
    def is_final(self) -> bool:
        return self in (PaymentStatus.APPROVED, PaymentStatus.DECLINED, PaymentStatus.REFUNDED)


#: allowed moves of an attempt's status
_ALLOWED = {
    PaymentStatus.PENDING: {PaymentStatus.APPROVED, PaymentStatus.DECLINED, PaymentStatus.UNKNOWN},
    PaymentStatus.UNKNOWN: {PaymentStatus.APPROVED, PaymentStatus.DECLINED},
    PaymentStatus.APPROVED: {PaymentStatus.REFUNDED},
    PaymentStatus.DECLINED: set(),
    PaymentStatus.REFUNDED: set(),
}


class TransitionError(RuntimeError):
    """A status change the payment state machine forbids."""


def transition(current: PaymentStatus | str, target: PaymentStatus | str) -> bool:
    """Check one status change; return ``True`` to apply it, ``False`` if already there.

    Raises :class:`TransitionError` for a move the state machine forbids (for example an
    approved attempt reported declined by a late answer).
    """
    current, target = PaymentStatus(current), PaymentStatus(target)
    if current is target:
        log.info("payment attempt already %s; nothing to do", target.value)
        return False
    if target not in _ALLOWED[current]:
        log.warning("refused payment attempt transition %s -> %s", current.value, target.value)
        raise TransitionError(f"a {current.value} payment attempt cannot become {target.value}")
    return True


_KEY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_attempt_key(now: datetime | None = None) -> str:
    """An 18-character uppercase key: ``YYMMDD`` + 12 random characters from a CSPRNG."""
    now = now or datetime.now(timezone.utc)
    return now.strftime("%y%m%d") + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(12))


def to_minor_units(amount: Decimal) -> int:
    """Cents from a Decimal amount; refuses fractions of a cent instead of rounding them away."""
    quantized = amount.quantize(CENT)
    if quantized != amount:
        raise ValueError(f"amount {amount} has more than two decimal places")
    return int(quantized * 100)


@dataclass(frozen=True)
class SavedAccount:
    """A customer's saved credential as a gateway sees it: a token, never a card number."""

    id: int
    kind: str  # "card" or "bank"
    token: str
    brand: str = ""
    last4: str = ""
    expiry: str = ""
    holder: str = ""


#: ``PaymentRequest.details[SAVE_CREDENTIALS]`` is ``True`` when the customer asked to keep
#: the typed card for future payments ("save this card"); the add-on stores the gateway's
#: token after an approval, never the number
SAVE_CREDENTIALS = "save"


@dataclass(frozen=True)
class RefundOf:
    """The payment a refund gives money back for, as its gateway booked it."""

    payment_id: int
    #: the original payment's gateway reference (for host-keyed gateways, its attempt key)
    reference: str
    amount: Decimal
    #: what paid it: ``card``, ``bank``, ``refill_card``
    source: str = "card"


@dataclass(frozen=True)
class PaymentRequest:
    """One money movement the host asks a gateway add-on to make.

    ``details`` carries one-off payment data typed in a form (card number, CVV, bank
    account) and :data:`SAVE_CREDENTIALS`. The host never stores it; the add-on must not
    log it unmasked.
    """

    attempt_key: str
    customer_id: int
    target_kind: str  # "invoice", "proforma", "balance" or "refund"
    #: the document's id, or the refunded payment's id for a refund
    target_id: int | None
    amount: Decimal
    description: str = ""
    account: SavedAccount | None = None
    source: str = "card"
    details: dict[str, Any] = field(default_factory=dict, repr=False)
    partner_id: int | None = None
    #: the customer's billing address facts gateways ask for (name, email, zip)
    payer: dict[str, str] = field(default_factory=dict)
    #: set on refunds: the payment the money goes back for (``account`` is the one it was paid with)
    refund_of: RefundOf | None = None


@dataclass(frozen=True)
class PaymentResult:
    """The outcome a money hook reports."""

    status: PaymentStatus
    reference: str = ""
    approval_code: str = ""
    message: str = ""
    #: amount actually moved, when the gateway says (defaults to the requested amount)
    amount: Decimal | None = None
    #: the payment method name to record (e.g. "Credit card", "Bank transfer")
    method: str = ""
    #: free gateway facts copied to the payment's field_1..5 (never card data)
    fields: tuple[str, ...] = ()
    #: a service fee the gateway charged on top of the requested amount (part of ``amount``);
    #: the host books it as a debit line of ``fee_category``
    fee: Decimal = Decimal("0.00")
    fee_category: str = ""

    @property
    def approved(self) -> bool:
        return self.status is PaymentStatus.APPROVED

    @classmethod
    def declined(cls, message: str, reference: str = "") -> "PaymentResult":
        return cls(PaymentStatus.DECLINED, reference=reference, message=message)

    @classmethod
    def unknown(cls, message: str) -> "PaymentResult":
        return cls(PaymentStatus.UNKNOWN, message=message)


@dataclass(frozen=True)
class ChargeItem:
    """One invoice of a charge batch, already locked and pending."""

    attempt_key: str
    invoice_id: int
    invoice_number: str
    customer_id: int
    amount: Decimal
    account: SavedAccount | None
    target_kind: str = "invoice"
    partner_id: int | None = None
    #: the customer's billing address facts gateways ask for (name, email, zip)
    payer: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChargeBatch:
    """What the bulk-charge hook receives."""

    batch_id: int
    items: tuple[ChargeItem, ...]
    params: dict[str, Any] = field(default_factory=dict)
    #: upper bound of concurrent gateway requests the add-on may make
    concurrency: int = 4


@dataclass(frozen=True)
class ChargeItemResult:
    """The outcome of one invoice in a charge batch."""

    invoice_id: int
    result: PaymentResult
    log: str = ""


class PaymentError(RuntimeError):
    """A payment could not be started; the message is safe to show to the user."""


class PaymentInProgress(PaymentError):
    """Another attempt on the same document (or refund of the same payment) is pending or unknown."""


@dataclass(frozen=True)
class PaymentOutcome:
    """What the host's payment service answers: the attempt's status and the user's message."""

    attempt_id: int
    status: PaymentStatus
    message: str
    payment_id: int | None = None
    #: the amount booked (payment or refund), when approved
    amount: Decimal | None = None

    @property
    def approved(self) -> bool:
        return self.status is PaymentStatus.APPROVED
