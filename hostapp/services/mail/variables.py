"""The variables a finance template sees (documented in :data:`core.mail.TEMPLATE_VARIABLES`).

Templates get plain values copied from the records, never the records themselves: a
template cannot walk from a customer to its password hash or to the database session.
Add-ons add theirs through ``splynx_mail_variables``; only enabled modules are asked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.gateway.pages import LABELS
from core.mail import PayLink
from core.web.formats import money

from ...models import Module

_CUSTOMER_FIELDS = ("id", "login", "name", "email", "phone", "street", "zip_code", "city", "balance")
_DOCUMENT_FIELDS = ("id", "number", "date_created", "date_till", "total", "due", "status")
_ITEM_FIELDS = ("description", "quantity", "unit", "price", "tax", "amount", "period_from", "period_to")


def _copy(record, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def customer_values(customer) -> dict[str, Any]:
    return {**_copy(customer, _CUSTOMER_FIELDS), "partner": customer.partner.name if customer.partner else ""}


def document_values(host, document) -> dict[str, Any] | None:
    if document is None:
        return None
    path = "invoices" if document.kind == "invoice" else "proforma-invoices"
    url = f"{host.config.public_url}/portal/finance/{path}" + (f"/{document.id}" if document.kind == "invoice" else "")
    return {**_copy(document, _DOCUMENT_FIELDS), "kind": document.kind, "label": LABELS[document.kind],
            "status": document.display_status, "url": url}


def payment_values(payment) -> dict[str, Any] | None:
    if payment is None:
        return None
    return {"id": payment.id, "receipt_number": payment.receipt_number, "date": payment.date,
            "amount": payment.amount, "method": payment.method.name if payment.method else "",
            "comment": payment.comment}


def enabled_implementers(host, session: Session, hook: str) -> list[str]:
    """Loaded add-ons that implement ``hook`` and whose module is enabled."""
    found = host.addons.hooks.implementers(hook)
    if not found:
        return []
    enabled = set(session.execute(select(Module.addon_id).where(Module.addon_id.in_(found),
                                                                 Module.status == "enabled")).scalars())
    return [addon_id for addon_id in found if addon_id in enabled]


def template_variables(host, session: Session, template: str, customer, *, document=None, payment=None,
                       reason: str = "", sender_name: str = "", sender_address: str = "") -> dict[str, Any]:
    """Everything a template of ``template`` may use for this customer and document or payment."""
    currency = host.config.currency
    pay_links: list[PayLink] = []
    addons: dict[str, dict] = {}
    for addon_id in enabled_implementers(host, session, "splynx_mail_variables"):
        added = host.addons.hooks.mail_variables(addon_id, template, customer, document)
        if added is not None:
            pay_links.extend(added.pay_links)
            addons[addon_id] = dict(added.values)
    return {
        "customer": customer_values(customer),
        "document": document_values(host, document),
        "items": [_copy(item, _ITEM_FIELDS) for item in (document.items if document is not None else [])],
        "amount_due": money(document.due, currency) if document is not None else "",
        "payment": payment_values(payment),
        "reason": reason,
        "pay_links": pay_links,
        "company": {"name": sender_name, "email": sender_address},
        "portal_url": f"{host.config.public_url}/portal",
        "currency": currency,
        "addons": addons,
    }
