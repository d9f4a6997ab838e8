"""Sending one new-money transaction and settling an unknown outcome by looking it up first.

The rules every gateway add-on follows (gateways reference §3.3), whatever its protocol:

* The gateway was never reached (:class:`~core.gateway.transport.NotSent`): nothing
  happened; the payment failed and may be tried again.
* A valid answer: approved or declined, as the gateway's :class:`Verdicts` read it.
* The gateway says it already has this transaction
  (:class:`~core.gateway.transport.AlreadyReceived`: a duplicate id, a reused idempotency
  key, a request still in progress): look it up; never send it again.
* No usable answer (read time-out, dropped connection, HTTP 5xx, garbage,
  :class:`~core.gateway.transport.OutcomeUnknown`): **look the transaction up by its key
  before anything else**.

  - Found: adopt that result (one charge, recorded once).
  - Not found after the gateway *answered* (5xx, garbage): it has finished with the request
    and kept nothing, so nothing was charged: the payment failed.
  - Not found after a time-out or a dropped connection: the request may never have
    arrived; it is sent once more with the **same** key (a copy that did arrive meanwhile is
    refused as a duplicate, or replayed, and looked up again).
  - The look-up itself fails: the outcome stays unknown; the host keeps the attempt open
    and reconciles it later by calling the add-on again, which starts with the look-up
    (:meth:`Resolver.resume`).

An add-on supplies its look-up (IPpay ``ENQ``, iCharge ``TransactionStatus``) and how to
read an answer as a :class:`Gateway`; the resolver owns the order of the steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.payments import PaymentStatus

from .transport import AlreadyReceived, GatewayError, NotSent, OutcomeUnknown

R = TypeVar("R")


class LookupRefused(GatewayError):
    """The gateway answered the look-up, but not about the transaction (bad request, other id)."""

    def __init__(self, message: str, response=None) -> None:
        super().__init__(message)
        #: the look-up's answer, kept for the add-on's journal
        self.response = response


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What happened to one transaction (``response`` is the gateway's answer, if any), and how we know."""

    status: PaymentStatus
    response: R | None
    message: str
    note: str

    @property
    def journal_status(self) -> str:
        return self.status.value


@dataclass(frozen=True)
class Gateway(Generic[R]):
    """What the resolver needs from one gateway protocol: its names, its look-up, how to read an answer.

    Any object with these four attributes serves; an add-on usually builds one per client, e.g.
    ``Gateway("IPpay", "ENQ", look_up=client.enq_by_id, answered=answered)``.
    """

    #: the gateway's name in messages ("IPpay")
    name: str
    #: the look-up's name in journal notes ("ENQ")
    lookup_name: str
    #: the transaction sent under a key, ``None`` if the gateway has none; raises a
    #: :class:`GatewayError` when the look-up fails (:class:`LookupRefused` when the gateway
    #: answered something that is not about the transaction)
    look_up: Callable[[str], R | None]
    #: the outcome a valid answer states (approved or declined, with a message), given the journal note
    answered: Callable[[R, str], Outcome[R]]


class Resolver(Generic[R]):
    """Runs the rules above for one key; ``send`` posts the transaction itself."""

    def __init__(self, gateway: Gateway[R]) -> None:
        self.gateway = gateway

    @property
    def unknown_message(self) -> str:
        name = self.gateway.name
        return (f"{name} did not confirm the payment in time. It is being checked with {name}; "
                "you will not be charged twice.")

    def first(self, key: str, send: Callable[[], R]) -> Outcome[R]:
        """A transaction never sent before."""
        return self._send(key, send, may_resend=True, note="")

    def resume(self, key: str, send: Callable[[], R]) -> Outcome[R]:
        """A transaction that was sent before with an unknown outcome: look it up first."""
        return self._look_up(key, send, None, may_resend=True, note="sent before; ")

    def settle(self, key: str) -> Outcome[R]:
        """A transaction sent before whose details are gone (a card typed for that payment only).

        It can only be looked up: found, its result is adopted; not found, the gateway never
        acted on it, so nothing was charged; the look-up failing leaves it unknown.
        """
        note = "sent before; "
        found, failed = self._find(key, note)
        if failed is not None:
            return failed
        if found is not None:
            return self.gateway.answered(found, f"{note}found by {self.gateway.lookup_name}")
        return Outcome(PaymentStatus.DECLINED, None,
                       f"{self.gateway.name} has no record of the payment, so nothing was charged.",
                       f"{note}not found by {self.gateway.lookup_name}; the typed details are gone, not re-sent")

    def _send(self, key: str, send: Callable[[], R], *, may_resend: bool, note: str) -> Outcome[R]:
        try:
            response = send()
        except NotSent as exc:
            return Outcome(PaymentStatus.DECLINED, None,
                           f"{self.gateway.name} could not be reached, so nothing was charged. "
                           "Please try again later.", f"{note}not sent: {exc}")
        except AlreadyReceived as exc:
            return self._look_up(key, send, None, may_resend=False, note=f"{note}duplicate ({exc}); ")
        except OutcomeUnknown as exc:
            return self._look_up(key, send, exc, may_resend=may_resend, note=f"{note}{exc}; ")
        return self.gateway.answered(response, note + "answered")

    def _find(self, key: str, note: str) -> tuple[R | None, Outcome[R] | None]:
        """(what the look-up found or ``None``, ``None``), or (``None``, the unknown outcome of a failed look-up)."""
        lookup = self.gateway.lookup_name
        try:
            return self.gateway.look_up(key), None
        except LookupRefused as exc:
            return None, Outcome(PaymentStatus.UNKNOWN, exc.response, self.unknown_message,
                                 f"{note}{lookup} refused: {exc}")
        except GatewayError as exc:
            return None, Outcome(PaymentStatus.UNKNOWN, None, self.unknown_message, f"{note}{lookup} failed: {exc}")

    def _look_up(self, key: str, send: Callable[[], R], failure: OutcomeUnknown | None, *,
                 may_resend: bool, note: str) -> Outcome[R]:
        lookup = self.gateway.lookup_name
        found, failed = self._find(key, note)
        if failed is not None:
            return failed
        if found is not None:
            return self.gateway.answered(found, f"{note}found by {lookup}")
        if failure is not None and failure.answered:
            return Outcome(PaymentStatus.DECLINED, None,
                           f"{self.gateway.name} could not process the payment ({failure}). Nothing was charged; "
                           "please try again later.", f"{note}not found by {lookup}")
        if may_resend:
            return self._send(key, send, may_resend=False, note=f"{note}not found by {lookup}; re-sent; ")
        return Outcome(PaymentStatus.UNKNOWN, None, self.unknown_message, f"{note}not found by {lookup}")
