"""Messages that events queue by themselves, written in the transaction of the event.

Issuing an invoice and booking a payment attempt's result call :func:`record_event` in
their own transaction, so the message exists exactly when the event does (a rolled-back
invoice leaves no e-mail, a committed one always has its e-mail). The row starts as
``new``: it is rendered by the next sweep of the outbox (:func:`.service.compose_new`),
where the host and the add-ons' variables are at hand. ``event_key`` is unique: an event
noticed twice (a resumed charge batch) queues one message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import make_msgid

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...models import Customer, MailMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailEvent:
    """An event that may queue a message: the template, whom it is for, what it is about."""

    template: str
    customer_id: int
    #: the automatic-sending toggle of Config → Main → Email that governs it
    setting: str
    #: unique per event: noticing the event again queues nothing
    event_key: str
    document_kind: str = ""
    document_id: int | None = None
    payment_id: int | None = None


def record_event(session: Session, template: str, customer_id: int, *, setting: str, event_key: str,
                 document=None, payment_id: int | None = None) -> bool:
    """Queue the message of an event if the partner sends it and the customer wants it; ``True`` if queued."""
    return bool(record_events(session, [MailEvent(
        template, customer_id, setting, event_key, document_kind=document.kind if document is not None else "",
        document_id=document.id if document is not None else None, payment_id=payment_id)]))


def record_events(session: Session, events: list[MailEvent]) -> set[str]:
    """:func:`record_event` of many events with a few statements; the keys of the events queued.

    The mail settings (whether a partner sends a kind of message) are imported by the first call.
    """
    from .settings import automatic

    if not events:
        return set()
    customers = {row.id: row for row in session.execute(select(
        Customer.id, Customer.partner_id, Customer.email, Customer.send_finance_notification,
    ).where(Customer.id.in_({event.customer_id for event in events})))}
    sends: dict[tuple[str, int], bool] = {}
    wanted = []
    for event in events:
        customer = customers.get(event.customer_id)
        if customer is None or not customer.send_finance_notification or not customer.email:
            continue
        toggle = (event.setting, customer.partner_id)
        if toggle not in sends:
            sends[toggle] = automatic(session, event.setting, customer.partner_id)
        if sends[toggle]:
            wanted.append((event, customer))
    if not wanted:
        return set()
    queued = set(session.execute(select(MailMessage.event_key).where(
        MailMessage.event_key.in_([event.event_key for event, _ in wanted]))).scalars())
    # the Message-ID is a placeholder until the sweep renders the message and gives it the sender's domain
    rows = [dict(message_id=make_msgid(domain="splynx.invalid"), event_key=event.event_key, template=event.template,
                 customer_id=customer.id, partner_id=customer.partner_id, to_address=customer.email,
                 document_kind=event.document_kind, document_id=event.document_id, payment_id=event.payment_id,
                 status="new")
            for event, customer in wanted if event.event_key not in queued]
    if not rows:
        return set()
    try:
        with session.begin_nested():
            session.execute(insert(MailMessage), rows)
    except IntegrityError:  # an event recorded at the same moment by another worker: the rest one by one
        return {row["event_key"] for row in rows if _insert_one(session, row)}
    return {row["event_key"] for row in rows}


def _insert_one(session: Session, row: dict) -> bool:
    try:
        with session.begin_nested():
            session.execute(insert(MailMessage), [row])
    except IntegrityError:
        log.info("mail event %s is already queued", row["event_key"])
        return False
    return True
