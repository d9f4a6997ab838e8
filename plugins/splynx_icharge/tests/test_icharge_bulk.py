"""The Charge batch handler (splynx_bulk_charge): default cards, bounded concurrency, empty accounts.

These tests hand the hook the batch the host's charge runner builds
(``splynx_testing.gateway.charge_batch_for``), as splynx-ippay's do. The browser walk through the
host's Charge dialog (Finance → Invoices → Charge) is in test_icharge_browser.py.
"""

from sqlalchemy import select

from core.payments import PaymentStatus
from hostapp.models import Invoice, Payment, PaymentAttempt
from splynx_testing.gateway import charge_batch_for


def test_bulk_charge_pays_with_default_cards_within_the_concurrency_limit(icharge_app, icharge_host, factory,
                                                                          add_card, sim):
    invoices = []
    for _ in range(6):
        customer = factory.customer()
        add_card(customer)
        invoices.append(factory.invoice(customer, "30.00"))
    declined = factory.customer()
    add_card(declined)
    invoices.append(factory.invoice(declined, "52.05"))
    nobody = factory.customer()
    invoices.append(factory.invoice(nobody, "30.00"))
    batch, attempts = charge_batch_for(icharge_host, "icharge", invoices, concurrency=2)
    sim.faults.arm("late", times=None, delay=0.2, only="ProcessPayment")
    sim.concurrency.reset()
    with icharge_app.app_context():
        results = list(icharge_host.addons.hooks.bulk_charge("icharge", batch))
    assert sim.concurrency.peak == 2
    by_invoice = {r.invoice_id: r for r in results}
    assert len(results) == 8
    for invoice in invoices[:6]:
        assert by_invoice[invoice.id].result.status is PaymentStatus.APPROVED
        assert "approved, iCharge transaction pay_" in by_invoice[invoice.id].log
    assert "Do not honour (05)" in by_invoice[invoices[6].id].result.message
    empty = by_invoice[invoices[7].id]
    assert empty.result.message == "Customer payment account is empty!"
    assert empty.log == f"Customer payment account is empty! - Customer id : {nobody.id}"
    sent = [e for e in sim.app.journal() if e["kind"] == "ProcessPayment"]
    assert len(sent) == 7
    for result in results:  # the runner books each result through the payment service
        icharge_host.payments.finish(attempts[result.invoice_id], result.result)
    with icharge_host.db.transaction() as s:
        assert [s.get(Invoice, i.id).status for i in invoices] == ["paid"] * 6 + ["not_paid", "not_paid"]
        assert len(s.execute(select(Payment)).scalars().all()) == 6
        assert {a.status for a in s.execute(select(PaymentAttempt)).scalars()} == {"approved", "declined"}


def test_bulk_charges_are_merchant_initiated_token_payments(icharge_app, icharge_host, factory, add_card, sim):
    customer = factory.customer()
    add_card(customer)
    batch, _ = charge_batch_for(icharge_host, "icharge", [factory.invoice(customer, "30.00")], concurrency=4)
    seen = []
    original = sim.app.handle

    def spy(request):
        seen.append(request)
        return original(request)

    sim.app.handle = spy
    try:
        with icharge_app.app_context():
            list(icharge_host.addons.hooks.bulk_charge("icharge", batch))
    finally:
        del sim.app.handle
    (payment,) = [r for r in seen if r.path.endswith("/payments") and r.method == "POST"]
    assert b'"recurring":true' in payment.body and b'"token":"tok_' in payment.body and b'"number"' not in payment.body
    assert payment.headers["Idempotency-Key"] == batch.items[0].attempt_key
