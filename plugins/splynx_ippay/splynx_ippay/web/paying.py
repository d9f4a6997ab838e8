"""What the portal, admin and direct-link pay pages share: quoting and paying one document."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import abort
from sqlalchemy import select

from hostapp.host import current_host
from hostapp.models import Customer, Invoice, PaymentAccount, ProformaInvoice
from hostapp.services.payments import PaymentError, PaymentOutcome

from ..accounts import customer_accounts
from ..settings import ACCOUNT_TYPES, ADDON_ID, IppaySettings, load_settings

MODELS = {"invoice": Invoice, "proforma": ProformaInvoice}
LABELS = {"invoice": "Invoice", "proforma": "Proforma invoice"}
SUCCESS = "Success! Your transaction has been successfully processed."


@dataclass(frozen=True)
class Quote:
    """The numbers a pay page shows: amount, due, fee and total to pay."""

    kind: str
    document: Invoice | ProformaInvoice
    settings: IppaySettings
    fee: Decimal
    total: Decimal

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def settings_for(customer: Customer) -> IppaySettings:
    host = current_host()
    return load_settings(host.db.session, host.box, customer.partner_id)


def document(kind: str, item_id, *, by: str = "id"):
    """The invoice/proforma named by id or number, or 404 (deleted ones included)."""
    model = MODELS[kind]
    column = model.number if by == "number" else model.id
    value = str(item_id or "").strip()
    if not value or len(value) > 32 or (by == "id" and not (value.isdigit() and len(value) <= 9)):
        abort(404)
    key = int(value) if by == "id" else value
    found = current_host().db.session.execute(select(model).where(column == key)).scalar_one_or_none()
    if found is None or found.status == "deleted":
        abort(404)
    return found


def quote(kind: str, found) -> Quote:
    settings = settings_for(found.customer)
    fee = settings.fee(found.due)
    return Quote(kind, found, settings, fee, found.due + fee)


def account_choices(customer_id: int, settings: IppaySettings) -> list[tuple[str, list[PaymentAccount]]]:
    """Saved accounts grouped by type label (Credit card, Bank account), allowed types only."""
    accounts = customer_accounts(current_host().db.session, customer_id)
    return [(label, [a for a in accounts if a.kind == kind]) for kind, label in ACCOUNT_TYPES
            if settings.allows(kind) and any(a.kind == kind for a in accounts)]


def pay(kind: str, found, *, initiated_by: str, account_id=None, details: dict | None = None) -> PaymentOutcome | str:
    """Pay the document's due through IPpay; a string is an error to show instead."""
    host = current_host()
    account = None
    if account_id is not None:
        account = host.db.session.get(PaymentAccount, int(account_id)) if str(account_id).isdigit() else None
        if account is None or account.customer_id != found.customer_id or account.gateway != ADDON_ID:
            return "Choose one of the saved payment accounts."
    source = account.kind if account else ("bank" if (details or {}).get("bank") else "card")
    try:
        return host.payments.pay(gateway=ADDON_ID, customer_id=found.customer_id, target_kind=kind,
                                 target_id=found.id, account_id=account.id if account else None, details=details,
                                 source=source, initiated_by=initiated_by,
                                 description=f"{LABELS[kind]} {found.number}")
    except PaymentError as exc:
        return str(exc)
