"""Single cards: edit (price, valid until, active/disabled) and delete; used cards stay as they are."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.host import Host

from .models import ACTIVE, DISABLED, USED, Card
from .series import InputError, parse_date, parse_price


def edit_card(host: Host, session: Session, card: Card, form, *, actor: str) -> None:
    if card.status == USED:
        raise InputError({"card": f"Card {card.full_code} is used; a used card cannot be changed."})
    errors: dict[str, str] = {}
    price = parse_price(form.get("price"), errors)
    valid_till = parse_date(form.get("valid_till"), errors)
    status = str(form.get("status", "")).strip()
    if status not in (ACTIVE, DISABLED):
        errors["status"] = "Choose Active or Disabled."
    if errors:
        raise InputError(errors)
    card.price, card.valid_till, card.status = price, valid_till, status
    host.audit(session, actor, "refill_cards.card.update", f"card:{card.id}",
               {"price": str(price), "valid_till": valid_till.isoformat(), "status": status},
               partner_id=card.series.partner_id)


def delete_card(host: Host, session: Session, card: Card, *, actor: str) -> None:
    if card.status == USED:
        raise InputError({"card": f"Card {card.full_code} is used and cannot be deleted: its payment "
                                  "belongs to the customer's history."})
    session.delete(card)
    host.audit(session, actor, "refill_cards.card.delete", f"card:{card.id}", {"code": card.full_code},
               partner_id=card.series.partner_id)
