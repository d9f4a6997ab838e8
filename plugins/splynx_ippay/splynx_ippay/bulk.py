"""The Charge batch handler: each invoice's amount from the customer's default saved account.

The host selected, locked and marked the invoices, and wrote one attempt per invoice; this
module only talks to IPpay, at most ``batch.concurrency`` requests at a time, and yields a
result per invoice as soon as it is known. Sales are sent with ``Origin=RECURRING`` (a
merchant-initiated charge of a stored token).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed

from sqlalchemy import select

from core.payments import ChargeBatch, ChargeItem, ChargeItemResult, PaymentRequest, PaymentResult
from hostapp.host import Host
from hostapp.models import Customer

from .charging import EMPTY_ACCOUNT, Charger


def _requests(host: Host, items: tuple[ChargeItem, ...]) -> dict[int, PaymentRequest]:
    customer_ids = {item.customer_id for item in items}
    with host.db.transaction() as session:
        customers = {c.id: c for c in session.execute(select(Customer).where(Customer.id.in_(customer_ids))).scalars()}
    requests = {}
    for item in items:
        customer = customers[item.customer_id]
        requests[item.invoice_id] = PaymentRequest(
            attempt_key=item.attempt_key, customer_id=item.customer_id, target_kind=item.target_kind,
            target_id=item.invoice_id, amount=item.amount, description=f"Invoice {item.invoice_number}",
            account=item.account, source=item.account.kind if item.account else "card",
            partner_id=customer.partner_id,
            payer={"name": customer.name, "email": customer.email, "zip": customer.zip_code,
                   "street": customer.street, "city": customer.city})
    return requests


def _log_line(item: ChargeItem, result: PaymentResult) -> str:
    head = f"Work with invoice {item.invoice_number} (id {item.invoice_id}), customer id {item.customer_id}, " \
           f"amount {item.amount}: "
    if result.approved:
        return head + f"approved, IPpay transaction {result.reference}, approval {result.approval_code}"
    return head + f"{result.status.value}: {result.message}"


def charge_batch(host: Host, batch: ChargeBatch) -> Iterator[ChargeItemResult]:
    """Charge every item; yields results in completion order."""
    charger = Charger(host)
    requests = _requests(host, batch.items)
    payable = [item for item in batch.items if item.account is not None]
    for item in batch.items:
        if item.account is None:
            result = PaymentResult.declined(EMPTY_ACCOUNT)
            yield ChargeItemResult(item.invoice_id, result,
                                   f"{EMPTY_ACCOUNT} - Customer id : {item.customer_id}")
    if not payable:
        return
    with ThreadPoolExecutor(max_workers=max(1, batch.concurrency), thread_name_prefix="ippay-charge") as pool:
        futures = {pool.submit(charger.charge, requests[item.invoice_id], origin="RECURRING"): item
                   for item in payable}
        for future in as_completed(futures):
            item = futures[future]
            result = future.result()
            yield ChargeItemResult(item.invoice_id, result, _log_line(item, result))
