"""IPpay's side of the unknown-outcome rules (:mod:`core.gateway.resolver`): ENQ and ActionCodes.

IPpay specification: "best practice is to ENQ anyway". ENQ with the same TransactionID is
the look-up; ``025`` means IPpay has no such transaction; the look-up's own errors (bad
terminal, malformed request) and an answer about another TransactionID leave the outcome
unknown. A new-money transaction answered ``094`` Duplicate transmission is already at
IPpay: it is looked up, never sent again. Only ``000`` approves.
"""

from __future__ import annotations

from collections.abc import Callable

from core.gateway.resolver import Gateway, LookupRefused, Outcome, Resolver
from core.gateway.transport import AlreadyReceived
from core.payments import PaymentStatus

from .client import IppayClient
from .codes import describe
from .protocol import DUPLICATE, NOT_FOUND, Response

#: ENQ answers that are about the look-up request itself, not the transaction looked up
LOOKUP_ERRORS = frozenset({"900", "901", "921", "925", "926", "996"})

__all__ = ["Outcome", "answered", "enq", "resolver", "unique"]


def answered(response: Response, note: str) -> Outcome[Response]:
    """The outcome a valid gateway answer states."""
    if response.approved:
        return Outcome(PaymentStatus.APPROVED, response, "The payment was approved.", note)
    return Outcome(PaymentStatus.DECLINED, response,
                   f"The payment was declined: {describe(response.action_code, response.text)}.", note)


def enq(client: IppayClient) -> Callable[[str], Response | None]:
    """ENQ as the look-up: the transaction sent under ``key``, ``None`` when IPpay has none."""
    def look_up(key: str) -> Response | None:
        found = client.enq(key)
        if found.action_code in LOOKUP_ERRORS:
            raise LookupRefused(found.text, found)
        if found.action_code == NOT_FOUND:
            return None
        if found.transaction_id.upper() != key.upper():
            raise LookupRefused("answered for another id", found)
        return found
    return look_up


def unique(send: Callable[[], Response]) -> Callable[[], Response]:
    """``send`` with ``094`` Duplicate transmission turned into :class:`AlreadyReceived` (look it up)."""
    def sending() -> Response:
        response = send()
        if response.action_code == DUPLICATE:
            raise AlreadyReceived("IPpay already has this TransactionID")
        return response
    return sending


def resolver(client: IppayClient) -> Resolver[Response]:
    """The resolver for one IPpay client."""
    return Resolver(Gateway("IPpay", "ENQ", enq(client), answered))
