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

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...models import Customer, MailMessage
from .outbox import new_message_id
from .settings import automatic

log = logging.getLogger(__name__)


def record_event(session: Session, template: str, customer_id: int, *, setting: str, event_key: str,
                 document=None, payment_id: int | None = None) -> bool:
    """Queue the message of an event if the partner sends it and the customer wants it; ``True`` if queued."""
    customer = session.get(Customer, customer_id)
    if customer is None or not customer.send_finance_notification or not customer.email:
        return False
    if not automatic(session, setting, customer.partner_id):
        return False
    if session.execute(select(MailMessage.id).where(MailMessage.event_key == event_key)).first():
        return False
    row = MailMessage(message_id=new_message_id(""), event_key=event_key, template=template,
                      customer_id=customer.id, partner_id=customer.partner_id, to_address=customer.email,
                      document_kind=document.kind if document is not None else "",
                      document_id=document.id if document is not None else None, payment_id=payment_id,
                      status="new")
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same event, recorded at the same moment by another worker
        log.info("mail event %s is already queued", event_key)
        return False
    return True
