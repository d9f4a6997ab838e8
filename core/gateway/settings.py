"""Settings every payment gateway add-on offers, declared once: fee, direct links, time-outs.

An add-on composes its :class:`core.settings.SettingsSchema` from its own gateway fields and
these builders, so the same setting has the same key, limits and wording in every add-on.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.payments import CENT
from core.settings import Field, FieldType


def change_method_field() -> Field:
    """Switch the customer's billing payment method when credentials are saved."""
    return Field("change_payment_method",
                 "Change the customer's payment method when payment credentials are added", FieldType.TOGGLE,
                 default=False)


def fee_fields() -> tuple[Field, Field]:
    """Service fee percentage and the transaction category its debit line is booked in."""
    return (
        Field("fee_percent", "Service fee, %", FieldType.DECIMAL, default="0", min_value=0, max_value=100,
              description="Added to the amount the customer pays (shown as “Total to pay”)."),
        Field("fee_category", "Transaction fee category", FieldType.SELECT, choices="transaction_categories",
              description="Category of the fee's debit transaction; “Service” when empty."),
    )


def direct_link_field() -> Field:
    """How long signed direct payment links stay valid."""
    return Field("direct_link_days", "Direct payment links valid for, days", FieldType.NUMBER, default=30,
                 min_value=1, max_value=365)


def timeout_fields(gateway: str, lookup: str) -> tuple[Field, Field]:
    """Connect and read time-outs; the read time-out's help names the gateway's look-up."""
    return (
        Field("connect_timeout", "Connect timeout, seconds", FieldType.DECIMAL, default="5", min_value=1,
              max_value=60),
        Field("read_timeout", "Read timeout, seconds", FieldType.DECIMAL, default="60", min_value=1, max_value=300,
              description=f"Longer than {gateway}'s own processing time-out; an unanswered payment is looked up "
                          f"with {lookup}, never sent twice."),
    )


def service_fee(amount: Decimal, percent: Decimal) -> Decimal:
    """The service fee of ``percent`` on ``amount``, rounded half up to the cent."""
    if not percent:
        return Decimal("0.00")
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
