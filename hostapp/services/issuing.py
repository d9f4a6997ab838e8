"""Invoices and proforma invoices an administrator issues by hand, with their items.

The host computes every total (quantity × price plus tax, rounded to cents per item) and
numbers the document by its pattern (:mod:`.numbering`). An invoice debits the customer's
balance at once (:func:`.ledger.issue_invoice`); a proforma invoice is a payment request and
does not. Both appear in Finance and in the customer's portal like any other document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from core.inputs import parse_amount, parse_choice, parse_int, parse_text
from core.models import ZERO

from ..models import Customer, Invoice, InvoiceItem, ProformaInvoice, ProformaItem
from .audit import record
from .ledger import issue_invoice
from .numbering import invoice_number, proforma_number

KINDS = {"invoice": "Invoice", "proforma": "Proforma invoice"}
#: the most items one document takes from the form
MAX_ITEMS = 50
MAX_DUE_DAYS = 365
MAX_QUANTITY = Decimal("100000")
MAX_TAX = Decimal("100")


@dataclass(frozen=True)
class ItemLine:
    """One parsed item row."""

    description: str
    quantity: Decimal
    price: Decimal
    tax: Decimal

    @property
    def amount(self) -> Decimal:
        """The row's total with tax, as the item model computes it."""
        return (self.quantity * self.price * (1 + self.tax / 100)).quantize(Decimal("0.01"))


@dataclass
class DocumentForm:
    """A parsed "issue a document" form: the kind, due days, note and items, or messages by field."""

    kind: str
    due_days: int
    note: str
    items: list[ItemLine]
    #: form field -> message; item rows as ``items-<n>`` (1-based)
    errors: dict[str, str]

    @property
    def total(self) -> Decimal:
        return sum((item.amount for item in self.items), ZERO)


def read_document_form(form) -> DocumentForm:
    """Parse the kind, the days to pay, the note and the item rows (``description``, ``quantity``,
    ``price``, ``tax`` lists; a row without description and price is an unused row and skipped)."""
    errors: dict[str, str] = {}
    kind = parse_choice(form.get("kind", ""), KINDS)
    if kind is None:
        errors["kind"] = "Choose Invoice or Proforma invoice."
    due_days = parse_int(form.get("due_days", ""), minimum=0, maximum=MAX_DUE_DAYS)
    if due_days is None:
        errors["due_days"] = f"Enter the days to pay: a whole number from 0 to {MAX_DUE_DAYS}."
    note = parse_text(form.get("note", ""), max_length=255)
    if note is None:
        errors["note"] = "Enter a note of at most 255 characters on one line."
    columns = [form.getlist(name) for name in ("description", "quantity", "price", "tax")]
    rows = [row for row in zip(*columns) if row[0].strip() or row[2].strip()]
    items = []
    if not rows:
        errors["items"] = "Add at least one item with a description and a price."
    elif len(rows) > MAX_ITEMS:
        errors["items"] = f"A document takes at most {MAX_ITEMS} items."
    else:
        for number, row in enumerate(rows, start=1):
            item, problem = _item(row)
            if problem:
                errors[f"items-{number}"] = f"Item {number}: {problem}"
            else:
                items.append(item)
    return DocumentForm(kind or "invoice", due_days or 0, note or "", items, errors)


def _item(row: Sequence[str]) -> tuple[ItemLine | None, str]:
    description_raw, quantity_raw, price_raw, tax_raw = row
    description = parse_text(description_raw, max_length=255, required=True)
    quantity = parse_amount(quantity_raw or "1", maximum=MAX_QUANTITY)
    price = parse_amount(price_raw)
    tax = parse_amount(tax_raw or "0", maximum=MAX_TAX, allow_zero=True)
    if description is None:
        return None, "enter a description of at most 255 characters on one line."
    if quantity is None:
        return None, f"the quantity is a positive number with at most two decimals, up to {MAX_QUANTITY}."
    if price is None:
        return None, "the price is a positive amount like 29.90."
    if tax is None:
        return None, "the tax is a percentage from 0 to 100 with at most two decimals."
    return ItemLine(description, quantity, price, tax), ""


def issue_document(session: Session, customer: Customer, form: DocumentForm, actor: str,
                   on: date | None = None) -> Invoice | ProformaInvoice:
    """Number and add the document with its items (an invoice also debits the balance); audit it.

    Nothing is committed; the caller commits once, so a failure leaves no half-issued document.
    """
    on = on or date.today()
    total = form.total
    common = dict(customer_id=customer.id, date_created=on, date_till=on + timedelta(days=form.due_days),
                  total=total, due=total, note=form.note)
    rows = [dict(description=i.description, quantity=i.quantity, price=i.price, tax=i.tax) for i in form.items]
    if form.kind == "invoice":
        document = Invoice(number=invoice_number(session, customer.partner_id, on), type="one_time", added_by="admin",
                           items=[InvoiceItem(**row) for row in rows], **common)
        session.add(document)
        issue_invoice(session, document, on)
    else:
        document = ProformaInvoice(number=proforma_number(session, on), items=[ProformaItem(**row) for row in rows],
                                   **common)
        session.add(document)
        session.flush()
    record(session, actor, f"{form.kind}.issue", document.number,
           {"customer": f"{customer.login} (#{customer.id})", "items": len(rows), "total": str(total)},
           partner_id=customer.partner_id)
    return document
