"""Sending one new-money transaction and settling an unknown outcome with ENQ first.

The rules (IPpay specification: "best practice is to ENQ anyway"):

* The gateway was never reached (:class:`NotSent`): nothing happened; the payment failed.
* A valid answer: approved (``000``) or declined (any other code). ``094`` Duplicate
  transmission means the TransactionID was already used: look it up.
* No usable answer (read time-out, dropped connection, HTTP 5xx, garbage): **ENQ with the
  same TransactionID before anything else**.

  - ENQ finds it: adopt that result (one charge, recorded once).
  - ENQ says ``025`` not found after the gateway *answered* (5xx, garbage): it has finished
    with the request and kept nothing, so nothing was charged: the payment failed.
  - ENQ says not found after a time-out or a dropped connection: the request may never have
    arrived; it is sent once more with the **same** TransactionID (a copy that did arrive
    meanwhile is refused with ``094`` and looked up again).
  - ENQ itself fails: the outcome stays unknown; the host keeps the attempt open and
    reconciles it later by calling again, which starts here with ENQ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.gateway.transport import GatewayError, NotSent, OutcomeUnknown
from core.payments import PaymentStatus

from .client import IppayClient
from .codes import describe
from .protocol import DUPLICATE, NOT_FOUND, Response

#: ENQ answers that are about the look-up request itself, not the transaction looked up
LOOKUP_ERRORS = frozenset({"900", "901", "921", "925", "926", "996"})

UNKNOWN_MESSAGE = ("IPpay did not confirm the payment in time. It is being checked with IPpay; "
                   "you will not be charged twice.")


@dataclass(frozen=True)
class Outcome:
    """What happened to one transaction, and how we know."""

    status: PaymentStatus
    response: Response | None
    message: str
    note: str

    @property
    def journal_status(self) -> str:
        return self.status.value


class Resolver:
    """Runs the rules above for one TransactionID; ``send`` posts the transaction itself."""

    def __init__(self, client: IppayClient) -> None:
        self.client = client

    def first(self, transaction_id: str, send: Callable[[], Response]) -> Outcome:
        """A transaction never sent before."""
        return self._send(transaction_id, send, may_resend=True, note="")

    def resume(self, transaction_id: str, send: Callable[[], Response]) -> Outcome:
        """A transaction that was sent before with an unknown outcome: ENQ first."""
        return self._enquire(transaction_id, send, None, may_resend=True, note="sent before; ")

    def _send(self, transaction_id: str, send: Callable[[], Response], *, may_resend: bool, note: str) -> Outcome:
        try:
            response = send()
        except NotSent as exc:
            return Outcome(PaymentStatus.DECLINED, None,
                           "IPpay could not be reached, so nothing was charged. Please try again later.",
                           f"{note}not sent: {exc}")
        except OutcomeUnknown as exc:
            return self._enquire(transaction_id, send, exc, may_resend=may_resend, note=f"{note}{exc}; ")
        if response.action_code == DUPLICATE:
            return self._enquire(transaction_id, send, None, may_resend=False, note=f"{note}duplicate; ")
        return answered(response, note + "answered")

    def _enquire(self, transaction_id: str, send: Callable[[], Response], failure: OutcomeUnknown | None, *,
                 may_resend: bool, note: str) -> Outcome:
        try:
            found = self.client.enq(transaction_id)
        except GatewayError as exc:
            return Outcome(PaymentStatus.UNKNOWN, None, UNKNOWN_MESSAGE, f"{note}ENQ failed: {exc}")
        if found.action_code in LOOKUP_ERRORS:
            return Outcome(PaymentStatus.UNKNOWN, found, UNKNOWN_MESSAGE, f"{note}ENQ refused: {found.text}")
        if found.action_code != NOT_FOUND and found.transaction_id.upper() == transaction_id.upper():
            return answered(found, note + "found by ENQ")
        if found.action_code != NOT_FOUND:
            return Outcome(PaymentStatus.UNKNOWN, found, UNKNOWN_MESSAGE, f"{note}ENQ answered for another id")
        if failure is not None and failure.answered:
            return Outcome(PaymentStatus.DECLINED, None,
                           f"IPpay could not process the payment ({failure}). Nothing was charged; "
                           "please try again later.", f"{note}not found by ENQ")
        if may_resend:
            return self._send(transaction_id, send, may_resend=False, note=f"{note}not found by ENQ; re-sent; ")
        return Outcome(PaymentStatus.UNKNOWN, None, UNKNOWN_MESSAGE, f"{note}not found by ENQ")


def answered(response: Response, note: str) -> Outcome:
    """The outcome a valid gateway answer states."""
    if response.approved:
        return Outcome(PaymentStatus.APPROVED, response, "The payment was approved.", note)
    return Outcome(PaymentStatus.DECLINED, response,
                   f"The payment was declined: {describe(response.action_code, response.text)}.", note)
