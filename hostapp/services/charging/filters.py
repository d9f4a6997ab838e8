"""Which invoices a Charge selects: the dialog's filters, the SQL they become, and the preview.

:class:`ChargeFilters` is what the Charge form, the CLI and an auto-charge filter share. It
parses the form's strings (comma lists of customer ids and invoice numbers, ``=``/``<``/``>``
totals) with a message per bad field, serialises to JSON for the batch record, and becomes a
SQLAlchemy select over invoices or proforma invoices (the customer filters as a subquery of customers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from core.inputs import parse_amount, parse_id

from ...models import Customer, Invoice, PaymentAccount, ProformaInvoice

#: the largest document total a filter may compare with (Numeric(12, 2))
MAX_TOTAL = Decimal("9999999999.99")

DOCUMENT_MODELS = {"invoice": Invoice, "proforma": ProformaInvoice}

#: the Status select of the dialog; "unpaid" (the default, Splynx's *Unpaid*) includes overdue and
#: partially paid documents, and says so; "nothing_paid" leaves the partially paid ones out
STATUSES = {
    "unpaid": "Unpaid (incl. partially paid)",
    "nothing_paid": "Unpaid, nothing paid yet",
    "partially_paid": "Partially paid",
    "overdue": "Overdue (nothing paid)",
    "pending": "Pending",
    "any": "Unpaid (incl. partially paid) or pending",
}
TOTAL_OPERATORS = ("=", "<", ">")

#: limits a select to the customers an administrator may see, as :func:`core.web.scope_customers`
#: does: ``scope(statement, customer_column)``. Views pass that function; the CLI, the scheduler
#: and the runners act for every partner (:func:`every_customer`).
CustomerScope = Callable[[Select, Any], Select]


def every_customer(statement: Select, customer_column) -> Select:
    """The scope of the CLI, the scheduler and the runners: ``statement`` unchanged."""
    return statement


class FilterError(ValueError):
    """Bad filter input; ``errors`` maps each form field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ChargeFilters:
    """A selection of invoices (or proforma invoices) to charge."""

    target_kind: str = "invoice"
    period_from: date | None = None
    period_to: date | None = None
    partner_ids: tuple[int, ...] = ()
    location_ids: tuple[int, ...] = ()
    #: customers' billing payment method ("Customer payment type")
    payment_method_ids: tuple[int, ...] = ()
    status: str = "unpaid"
    total_op: str = ""
    total_value: Decimal | None = None
    customer_ids: tuple[int, ...] = ()
    numbers: tuple[str, ...] = ()
    #: the ticked rows of Actions → Charge
    document_ids: tuple[int, ...] = ()
    #: set by auto-charge filters instead of a period: issued on / due on exactly this day
    issued_on: date | None = None
    due_on: date | None = None

    @property
    def model(self):
        return DOCUMENT_MODELS[self.target_kind]

    # -- (de)serialisation ------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for the batch and auto-filter records (empty values left out)."""
        out = {}
        for key, value in asdict(self).items():
            if value in (None, "", ()) or value == []:
                continue
            if isinstance(value, (date, Decimal)):
                value = str(value) if isinstance(value, Decimal) else value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ChargeFilters":
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            raw = data[f.name]
            if f.name in ("period_from", "period_to", "issued_on", "due_on"):
                values[f.name] = date.fromisoformat(raw) if raw else None
            elif f.name == "total_value":
                values[f.name] = Decimal(raw) if raw not in (None, "") else None
            elif f.name == "numbers":
                values[f.name] = tuple(str(v) for v in raw)
            elif f.name.endswith("_ids"):
                values[f.name] = tuple(int(v) for v in raw)
            else:
                values[f.name] = raw
        return cls(**values)

    @classmethod
    def parse(cls, form: Mapping[str, Any], *, target_kind: str = "invoice") -> "ChargeFilters":
        """From the dialog's (or the CLI's) strings; raises :class:`FilterError` per bad field."""
        errors: dict[str, str] = {}

        def grab(name, parse, default):
            # a multi-select posts one value per choice: every one counts, not the first only
            raw = form.getlist(name) if parse in (_ints, _words) and hasattr(form, "getlist") else form.get(name)
            try:
                return parse(raw)
            except ValueError as exc:
                errors[name] = str(exc)
                return default

        status = str(form.get("status") or "unpaid")
        if status not in STATUSES:
            errors["status"] = "Choose one of the listed statuses."
        total_op, total_value = str(form.get("total_op") or "").strip(), grab("total_value", _decimal, None)
        if total_value is not None and total_op not in TOTAL_OPERATORS:
            errors["total_value"] = "Choose =, < or > for the total."
        filters = cls(
            target_kind=target_kind,
            period_from=grab("period_from", _date, None), period_to=grab("period_to", _date, None),
            partner_ids=grab("partner_ids", _ints, ()), location_ids=grab("location_ids", _ints, ()),
            payment_method_ids=grab("payment_method_ids", _ints, ()), status=status,
            total_op=total_op if total_value is not None else "", total_value=total_value,
            customer_ids=grab("customer_ids", _ints, ()), numbers=grab("numbers", _words, ()),
            document_ids=grab("document_ids", _ints, ()),
        )
        if filters.period_from and filters.period_to and filters.period_from > filters.period_to:
            errors["period_to"] = "The period ends before it starts."
        if errors:
            raise FilterError(errors)
        return filters

    def with_changes(self, **changes) -> "ChargeFilters":
        return replace(self, **changes)

    def describe(self) -> str:
        """One line for the history and the CLI, e.g. ``period 2026-11-01..2026-11-30, status Unpaid (incl. partially paid)``."""
        parts = []
        if self.period_from or self.period_to:
            parts.append(f"period {self.period_from or '…'}..{self.period_to or '…'}")
        if self.issued_on:
            parts.append(f"issued on {self.issued_on}")
        if self.due_on:
            parts.append(f"due on {self.due_on}")
        parts.append(f"status {STATUSES.get(self.status, self.status)}")
        for label, values in (("partners", self.partner_ids), ("locations", self.location_ids),
                              ("payment types", self.payment_method_ids), ("customers", self.customer_ids),
                              ("numbers", self.numbers), ("selected", self.document_ids)):
            if values:
                parts.append(f"{label} {', '.join(str(v) for v in values)}")
        if self.total_value is not None:
            parts.append(f"total {self.total_op} {self.total_value}")
        return ", ".join(parts)

    # -- SQL --------------------------------------------------------------------------

    def conditions(self, today: date | None = None) -> list:
        """WHERE clauses over the document model alone: the customer filters are a subquery of the customers'
        ids, so an index on the documents answers the rest (no join)."""
        model, today = self.model, today or date.today()
        where = [_status_condition(model, self.status, today)]
        if self.period_from:
            where.append(model.date_created >= self.period_from)
        if self.period_to:
            where.append(model.date_created <= self.period_to)
        if self.issued_on:
            where.append(model.date_created == self.issued_on)
        if self.due_on:
            where.append(model.date_till == self.due_on)
        customers = self._customer_conditions()
        if customers:
            where.append(model.customer_id.in_(select(Customer.id).where(*customers)))
        for column, values in ((model.customer_id, self.customer_ids), (model.number, self.numbers),
                               (model.id, self.document_ids)):
            if values:
                where.append(column.in_(values))
        if self.total_value is not None:
            where.append({"=": model.total == self.total_value, "<": model.total < self.total_value,
                          ">": model.total > self.total_value}[self.total_op])
        return where

    def _customer_conditions(self) -> list:
        """WHERE clauses over :class:`Customer`: the partners, locations and payment types chosen."""
        return [column.in_(values) for column, values in (
            (Customer.partner_id, self.partner_ids), (Customer.location_id, self.location_ids),
            (Customer.payment_method_id, self.payment_method_ids)) if values]

    def select_documents(self, today: date | None = None):
        """``(id, number, customer_id, total, due)`` rows of the selection, oldest first."""
        model = self.model
        return (select(model.id, model.number, model.customer_id, model.total, model.due)
                .where(*self.conditions(today)).order_by(model.date_created, model.id))


def _status_condition(model, status: str, today: date):
    unpaid = and_(model.status == "not_paid", model.due > 0)
    return {
        "unpaid": unpaid,
        "nothing_paid": and_(unpaid, model.due == model.total),
        "overdue": and_(unpaid, model.due == model.total, model.date_till < today),
        "partially_paid": and_(unpaid, model.due < model.total),
        "pending": model.status == "pending",
        "any": model.status.in_(("not_paid", "pending")) & (model.due > 0),
    }[status]


@dataclass(frozen=True)
class Preview:
    """The dialog's summary line: Amount (count), Total sum, Due sum, plus what will not be charged."""

    count: int
    total_sum: Decimal
    due_sum: Decimal
    #: selected documents with a payment already pending or unknown (skipped when charging)
    in_progress: int = 0
    #: selected documents whose customer has no saved account with the handler
    without_account: int = 0
    handler: str = ""


def preview(session: Session, filters: ChargeFilters, handler: str = "", *,
            scope: CustomerScope = every_customer) -> Preview:
    """Count and sum the selection within ``scope`` in one aggregate query (nothing is locked or written).

    It reads only the columns the index on status and date carries, so that index answers it alone."""
    model = filters.model
    base = scope(select(model.customer_id, model.status, model.total, model.due).where(*filters.conditions()),
                 model.customer_id).subquery()
    has_account = select(PaymentAccount.id).where(PaymentAccount.customer_id == base.c.customer_id,
                                                  PaymentAccount.gateway == handler).exists()
    count, total_sum, due_sum, in_progress, without_account = session.execute(select(
        func.count(), func.coalesce(func.sum(base.c.total), 0), func.coalesce(func.sum(base.c.due), 0),
        func.count(case((base.c.status == "pending", 1))),
        func.count(case((~has_account, 1))) if handler else literal(0),
    )).one()
    return Preview(count, Decimal(total_sum).quantize(Decimal("0.01")), Decimal(due_sum).quantize(Decimal("0.01")),
                   in_progress, without_account, handler)


# -- parsing helpers ----------------------------------------------------------------


def _values(raw) -> list[str]:
    """A multi-select list or comma/space separated strings (or a list of them) as a list of trimmed words."""
    if raw is None:
        return []
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    words = (word for item in items for word in str(item).replace(";", ",").replace(" ", ",").split(","))
    return [word.strip() for word in words if word.strip()]


def _ints(raw) -> tuple[int, ...]:
    values = _values(raw)
    bad = [v for v in values if parse_id(v) is None]
    if bad:
        raise ValueError(f"Not a number: {', '.join(v[:20] for v in bad[:3])}. Separate ids with commas.")
    return tuple(dict.fromkeys(int(v) for v in values))


def _words(raw) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_values(raw)))


def _date(raw) -> date | None:
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("Enter a date as YYYY-MM-DD.") from None


def _decimal(raw) -> Decimal | None:
    text = str(raw or "").strip()
    if not text:
        return None
    value = parse_amount(text, maximum=MAX_TOTAL, allow_zero=True)
    if value is None:
        raise ValueError("Enter an amount such as 25.00.")
    return value
