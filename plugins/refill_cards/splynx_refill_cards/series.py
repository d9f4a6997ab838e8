"""Series: generate (validated input → series id ``YYYYNN`` → bulk insert), edit, delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from core import models as records
from core.host import Host
from core.inputs import ascii_digits, parse_id

from . import codes
from .models import ACTIVE, USED, Card, Export, Series
from .settings import VoucherOptions

MAX_QUANTITY = 100_000
MAX_PRICE = Decimal("99999999.99")
INSERT_CHUNK = 5_000


class InputError(ValueError):
    """Form or command input that cannot be used; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class SeriesInput:
    """Validated parameters of a new series (or of a series edit: no quantity, no prefix)."""

    quantity: int
    prefix: str
    price: Decimal
    partner_id: int | None
    valid_till: date
    #: cards of a partner's series redeemable by that partner's customers only
    locked_to_partner: bool = True


def parse_price(raw: str, errors: dict[str, str]) -> Decimal | None:
    try:
        price = Decimal(str(raw or "").strip().replace(",", "."))
    except InvalidOperation:
        price = None
    if price is None or not price.is_finite() or price <= 0 or price > MAX_PRICE or price != price.quantize(Decimal("0.01")):
        errors["price"] = "Enter a price greater than 0 with at most two decimals, such as 10.00."
        return None
    return price.quantize(Decimal("0.01"))


def parse_date(raw: str, errors: dict[str, str], *, field: str = "valid_till") -> date | None:
    try:
        value = date.fromisoformat(str(raw or "").strip())
    except ValueError:
        errors[field] = "Enter a date as YYYY-MM-DD."
        return None
    if value < date.today():
        errors[field] = "The date must not be in the past."
        return None
    return value


def parse_partner(session: Session, raw, errors: dict[str, str]) -> int | None:
    text = str(raw or "").strip()
    if text in ("", "0", "any"):
        return None
    partner_id = parse_id(text)
    if partner_id is None or session.get(records.Partner, partner_id) is None:
        errors["partner_id"] = "Choose a partner from the list."
        return None
    return partner_id


def parse_lock(form) -> bool:
    """"Lock cards to the partner": on unless unticked (the form sends a hidden 0 before the checkbox's 1)."""
    values = form.getlist("lock_partner") if hasattr(form, "getlist") else [str(form.get("lock_partner", "1"))]
    return not values or "1" in values


def parse_generate(session: Session, form) -> SeriesInput:
    """Validate the Generate form (or CLI options); raise :class:`InputError` naming each bad field."""
    errors: dict[str, str] = {}
    quantity_text = str(form.get("quantity", "")).strip()
    quantity = int(ascii_digits(quantity_text, max_length=7) or 0)
    if not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = f"Enter a whole number of cards from 1 to {MAX_QUANTITY:,}."
    prefix = str(form.get("prefix", "")).strip()
    if not codes.PREFIX_PATTERN.match(prefix):
        errors["prefix"] = "Use 1 to 32 letters, digits or underscores (the prefix is printed in every code)."
    price = parse_price(form.get("price"), errors)
    partner_id = parse_partner(session, form.get("partner_id"), errors)
    valid_till = parse_date(form.get("valid_till"), errors)
    if errors:
        raise InputError(errors)
    return SeriesInput(quantity, prefix, price, partner_id, valid_till,
                       locked_to_partner=partner_id is not None and parse_lock(form))


def next_series_id(host: Host, session: Session, on: date) -> int:
    """``YYYYNN``: the year and the series' number in it (``YYYY100`` after the 99th)."""
    return int(f"{on.year}{host.next_number(session, f'refill-series-{on.year}'):02d}")


def generate(host: Host, session: Session, data: SeriesInput, options: VoucherOptions, *, actor: str) -> Series:
    """Create a series and its cards in the caller's transaction."""
    try:
        parts = codes.random_parts(data.quantity, options.code_length, options.alphabet)
    except codes.CodeSpaceError as exc:
        raise InputError({"quantity": str(exc)}) from None
    series = Series(id=next_series_id(host, session, date.today()), prefix=data.prefix, price=data.price,
                    partner_id=data.partner_id, locked_to_partner=data.locked_to_partner,
                    valid_till=data.valid_till, created_by=actor)
    session.add(series)
    session.flush()
    rows = card_rows(series, parts)
    connection, statement = session.connection(), insert(Card.__table__)  # Core: no per-row ORM bookkeeping
    for start in range(0, len(rows), INSERT_CHUNK):
        connection.execute(statement, rows[start:start + INSERT_CHUNK])
    host.audit(session, actor, "refill_cards.generate", f"series:{series.id}",
           {"quantity": data.quantity, "prefix": data.prefix, "price": str(data.price),
            "partner_id": data.partner_id, "locked_to_partner": data.locked_to_partner},
           partner_id=data.partner_id)
    return series


def card_rows(series: Series, parts: list[str]) -> list[dict]:
    """The rows of a new series' cards, as the bulk insert (and its benchmark baseline) writes them."""
    return [{"series_id": series.id, "full_code": codes.full_code(series.id, series.prefix, part),
             "price": series.price, "valid_till": series.valid_till, "status": ACTIVE, "redeemed_by": ""}
            for part in parts]


def edit(host: Host, session: Session, series: Series, form, *, actor: str) -> None:
    """Change a series' price, valid-until date and partner; unused cards follow."""
    errors: dict[str, str] = {}
    price = parse_price(form.get("price"), errors)
    valid_till = parse_date(form.get("valid_till"), errors)
    partner_id = parse_partner(session, form.get("partner_id"), errors)
    if errors:
        raise InputError(errors)
    series.price, series.valid_till, series.partner_id = price, valid_till, partner_id
    session.execute(update(Card).where(Card.series_id == series.id, Card.status != USED)
                    .values(price=price, valid_till=valid_till))
    host.audit(session, actor, "refill_cards.series.update", f"series:{series.id}",
           {"price": str(price), "valid_till": valid_till.isoformat(), "partner_id": partner_id},
           partner_id=partner_id)


def used_count(session: Session, series_id: int) -> int:
    return session.execute(select(func.count()).where(Card.series_id == series_id, Card.status == USED)).scalar_one()


def delete_series(host: Host, session: Session, series: Series, *, actor: str) -> list[str]:
    """Delete a series without used cards; returns the export file names to remove."""
    used = used_count(session, series.id)
    if used:
        raise InputError({"series": f"Series {series.id} has {used} used card{'s' if used > 1 else ''}. Used cards "
                                    "belong to customers' payment history and cannot be deleted; "
                                    "disable the remaining cards instead."})
    files = list(session.execute(select(Export.file_name).where(Export.series_id == series.id)).scalars())
    session.execute(delete(Export).where(Export.series_id == series.id))
    session.execute(delete(Card).where(Card.series_id == series.id))
    session.delete(series)
    host.audit(session, actor, "refill_cards.series.delete", f"series:{series.id}", {"prefix": series.prefix},
               partner_id=series.partner_id)
    return [f for f in files if f]
