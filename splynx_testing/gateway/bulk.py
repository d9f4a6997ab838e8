"""The Charge batch check: a worker killed part-way, the batch resumed, nobody charged twice.

The host's charge runner hands ``splynx_bulk_charge`` a batch of invoices, one payment attempt
each, and books the results it streams. :func:`check_bulk_charge_resumed` stops consuming the
stream after the first result (the worker was killed: nothing it charged was booked), then runs
the same batch again as the resumed job does: every invoice is paid once, every attempt key was
charged exactly once at the gateway, and an invoice without a saved account is reported empty.
"""

from __future__ import annotations

from sqlalchemy import select

from core.payments import PaymentStatus
from hostapp.models import Invoice, Payment

from .harness import GatewayHarness, charge_batch_for

BATCH_SIZE = 4


def check_bulk_charge_resumed(h: GatewayHarness) -> None:
    invoices = [h.invoice(customer, h.approving_amount)
                for customer in (h.customer_with_account() for _ in range(BATCH_SIZE))]
    batch, attempts = charge_batch_for(h.host, h.gateway, invoices, concurrency=2)
    with h.app.app_context():
        stream = iter(h.host.addons.hooks.bulk_charge(h.gateway, batch))
        next(stream)
        stream.close()  # the worker dies here: no result of this run is booked
        results = list(h.host.addons.hooks.bulk_charge(h.gateway, batch))
    assert sorted(r.invoice_id for r in results) == sorted(i.id for i in invoices), "one result per invoice"
    for result in results:
        assert result.result.status is PaymentStatus.APPROVED, result.log
        h.host.payments.finish(attempts[result.invoice_id], result.result)
    for item in batch.items:
        assert h.charges(item.attempt_key) == 1, f"{item.attempt_key}: charged {h.charges(item.attempt_key)} times"
    with h.host.db.transaction() as session:
        assert [session.get(Invoice, i.id).status for i in invoices] == ["paid"] * BATCH_SIZE
        assert len(session.execute(select(Payment).where(Payment.invoice_id.in_([i.id for i in invoices])))
                   .scalars().all()) == BATCH_SIZE
