"""Running a Charge batch through one gateway add-on: default accounts, bounded concurrency.

The host's charge runner has selected, locked and marked the invoices and written one
attempt per invoice; a gateway add-on's ``splynx_bulk_charge`` hands the batch to
:func:`charge_batch` with its own charge function. Items whose customer has no saved
account are answered at once ("Customer payment account is empty!", as Splynx logs it);
the others are charged at most ``batch.concurrency`` at a time, and a result is yielded per
invoice as soon as it is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed

from ..payments import ChargeBatch, ChargeItem, ChargeItemResult, PaymentRequest, PaymentResult

EMPTY_ACCOUNT = "Customer payment account is empty!"


def payment_request(item: ChargeItem) -> PaymentRequest:
    """The payment request of one item, with the customer's partner and address."""
    return PaymentRequest(
        attempt_key=item.attempt_key, customer_id=item.customer_id, target_kind=item.target_kind,
        target_id=item.invoice_id, amount=item.amount, description=f"Invoice {item.invoice_number}",
        account=item.account, source=item.account.kind if item.account else "card",
        partner_id=item.partner_id, payer=item.payer)


def log_line(item: ChargeItem, result: PaymentResult, gateway: str) -> str:
    """One line of the charge log: which invoice, and what ``gateway`` said."""
    head = f"Work with invoice {item.invoice_number} (id {item.invoice_id}), customer id {item.customer_id}, " \
           f"amount {item.amount}: "
    if result.approved:
        return head + f"approved, {gateway} transaction {result.reference}, approval {result.approval_code}"
    return head + f"{result.status.value}: {result.message}"


def charge_batch(batch: ChargeBatch, charge: Callable[[PaymentRequest], PaymentResult], *,
                 gateway: str) -> Iterator[ChargeItemResult]:
    """Charge every item with ``charge`` (the add-on's, set up for merchant-initiated charges).

    ``charge`` runs in worker threads: it reaches the database through the host it was
    built with. Yields results in completion order; ``gateway`` names the gateway in log lines.
    """
    payable = [item for item in batch.items if item.account is not None]
    for item in batch.items:
        if item.account is None:
            yield ChargeItemResult(item.invoice_id, PaymentResult.declined(EMPTY_ACCOUNT),
                                   f"{EMPTY_ACCOUNT} - Customer id : {item.customer_id}")
    if not payable:
        return
    with ThreadPoolExecutor(max_workers=max(1, batch.concurrency), thread_name_prefix=f"{gateway}-charge") as pool:
        futures = {pool.submit(charge, payment_request(item)): item for item in payable}
        for future in as_completed(futures):
            item = futures[future]
            result = future.result()
            yield ChargeItemResult(item.invoice_id, result, log_line(item, result, gateway))
