"""The Charge batch handler ("direct debit orders"): each invoice from the customer's default card.

The shared :func:`core.gateway.bulk.charge_batch` runs the batch (empty
accounts, at most ``batch.concurrency`` requests at a time, a result per invoice as soon as
it is known); this module only says how one invoice is charged: ProcessPayment of the saved
token with ``recurring: true`` (a merchant-initiated charge).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from core.payments import ChargeBatch, ChargeItemResult
from core.gateway.bulk import charge_batch as run_batch
from core.host import Host

from .charging import Charger


def charge_batch(host: Host, batch: ChargeBatch) -> Iterator[ChargeItemResult]:
    """Charge every item; yields results in completion order."""
    return run_batch(batch, partial(Charger(host).charge, recurring=True), gateway="iCharge")
