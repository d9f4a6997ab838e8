"""The Charge batch handler (splynx_bulk_charge): default accounts, bounded concurrency, empty accounts."""

from decimal import Decimal

from sqlalchemy import select

from core.payments import PaymentStatus
from hostapp.models import Invoice, Payment, PaymentAttempt
from splynx_testing.gateway import charge_batch_for


def test_bulk_charge_pays_with_default_accounts_within_the_concurrency_limit(ippay_app, ippay_host, factory,
                                                                             add_card, add_bank, sim):
    invoices = []
    for n in range(6):
        customer = factory.customer()
        (add_bank if n % 3 == 0 else add_card)(customer)
        invoices.append(factory.invoice(customer, "30.00"))
    declined = factory.customer()
    add_card(declined)
    invoices.append(factory.invoice(declined, "52.05"))
    nobody = factory.customer()
    invoices.append(factory.invoice(nobody, "30.00"))
    batch, attempts = charge_batch_for(ippay_host, "ippay", invoices, concurrency=2)
    sim.faults.arm("late", times=None, delay=0.2)
    sim.concurrency.reset()
    with ippay_app.app_context():
        results = list(ippay_host.addons.hooks.bulk_charge("ippay", batch))
    assert sim.concurrency.peak == 2
    by_invoice = {r.invoice_id: r for r in results}
    assert len(results) == 8
    for invoice in invoices[:6]:
        assert by_invoice[invoice.id].result.status is PaymentStatus.APPROVED
    assert "Do not honor (005)" in by_invoice[invoices[6].id].result.message
    empty = by_invoice[invoices[7].id]
    assert empty.result.message == "Customer payment account is empty!"
    assert empty.log == f"Customer payment account is empty! - Customer id : {nobody.id}"
    sales = [e for e in sim.app.journal() if e["type"] in ("SALE", "CHECK")]
    assert len(sales) == 7 and {e["type"] for e in sales} == {"SALE", "CHECK"}
    for result in results:  # the runner books each result through the payment service
        ippay_host.payments.finish(attempts[result.invoice_id], result.result)
    with ippay_host.db.transaction() as s:
        statuses = [s.get(Invoice, i.id).status for i in invoices]
        assert statuses == ["paid"] * 6 + ["not_paid", "not_paid"]
        assert len(s.execute(select(Payment)).scalars().all()) == 6
        assert {a.status for a in s.execute(select(PaymentAttempt)).scalars()} == {"approved", "declined"}


def test_bulk_charge_sends_recurring_origin(ippay_app, ippay_host, factory, add_card, sim):
    customer = factory.customer()
    add_card(customer)
    batch, _ = charge_batch_for(ippay_host, "ippay", [factory.invoice(customer, Decimal("30.00"))], concurrency=4)
    seen = []
    original = sim.app.handle

    def spy(request):
        seen.append(request.body)
        return original(request)

    sim.app.handle = spy
    try:
        with ippay_app.app_context():
            list(ippay_host.addons.hooks.bulk_charge("ippay", batch))
    finally:
        del sim.app.handle
    assert any(b"<Origin>RECURRING</Origin>" in body and b"<Token>" in body for body in seen)


def test_batch_ending_with_unknown_items_is_settled_by_the_reconciler(ippay_host, ippay_app, factory, add_card, sim):
    """Garbage answers and a failing ENQ leave items unknown; nobody presses Resume, the reconciler books them."""
    from datetime import date

    from hostapp.services.charging import BatchRequest, ChargeFilters, ChargeService

    customers = [factory.customer() for _ in range(3)]
    for customer in customers:
        add_card(customer)
    invoices = [factory.invoice(customer, "30.00") for customer in customers]
    sim.faults.arm("garbage_after_charge", only="SALE", times=2)
    sim.faults.arm("http_5xx", only="ENQ", times=None)
    service = ChargeService(ippay_host)
    batch_id = service.create(BatchRequest("ippay", ChargeFilters(period_from=date.today(), period_to=date.today()),
                                           created_by="test"))
    assert service.run_here(batch_id) == "ready"
    summary = service.summary(batch_id)
    assert (summary.approved, summary.unknown) == (1, 2)
    sim.faults.clear()
    sweep = ippay_host.reconciler.sweep()
    assert [c.outcome.status for c in sweep.checks] == [PaymentStatus.APPROVED] * 2
    assert service.summary(batch_id).approved == 3
    with ippay_host.db.transaction() as s:
        assert [s.get(Invoice, i.id).status for i in invoices] == ["paid"] * 3
        assert len(s.execute(select(Payment)).scalars().all()) == 3
    sales = [e for e in sim.app.journal() if e["type"] == "SALE" and e["action_code"] == "000"]
    assert len(sales) == 3, "each invoice charged once"
