"""One test (at least) per hook, through the host's facade and a test add-on registered by a fixture.

``test_every_hook_is_tested`` fails when a hookspec has no ``test_hook_<name>`` in tests/.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

import core.hookspecs
from core import ChargeBatch, ChargeItem, PaymentRequest, PaymentStatus
from core.manager import AddonCallError
from core.payments import PaymentError, PaymentInProgress
from hostapp.cli import CLIContext, cli
from hostapp.models import EntryPointRecord, Invoice, Module, Payment, PaymentAttempt, PaymentMethod
from splynx_testing.fixtures import make_test_app, portal_login
from tests.plugins import fakepay, widgets


@pytest.fixture(autouse=True)
def _reset():
    fakepay.GATEWAY.reset()
    widgets.EVENTS.clear()


def test_every_hook_is_tested():
    """Each hookspec needs a ``test_hook_<name>`` function somewhere in tests/."""
    specs = {name for name in dir(core.hookspecs) if name.startswith("splynx_")}
    source = "\n".join(path.read_text() for path in Path(__file__).parent.rglob("test_*.py"))
    tested = set(re.findall(r"^def test_hook_(splynx_[a-z_]+?)(?:__\w+)?\(", source, flags=re.M))
    assert specs <= tested, f"hooks without a test: {sorted(specs - tested)}"


def test_hook_splynx_configure_module(host, install_addon):
    install_addon(widgets)
    with host.db.transaction() as s:
        module = s.execute(select(Module).where(Module.addon_id == "widgets")).scalar_one()
        assert (module.name, module.title, module.status) == ("splynx_widgets_addon", "Test widgets add-on", "enabled")
        assert s.execute(select(PaymentMethod.addon_id).where(PaymentMethod.name == "Widget pay")).scalar_one() == "widgets"


def test_hook_splynx_register_entry_points__admin_edits_survive_upgrade(host, install_addon):
    from hostapp.services.entry_points import apply_edit

    install_addon(widgets)
    with host.db.transaction() as s:
        names = s.execute(select(EntryPointRecord.name).order_by(EntryPointRecord.name)).scalars().all()
        assert names == ["widgets_dashboard", "widgets_invoice", "widgets_menu"]
        menu = s.execute(select(EntryPointRecord).where(EntryPointRecord.name == "widgets_menu")).scalar_one()
        apply_edit(menu, {"title": "My cards", "enabled": False})
    host.addons.unregister("widgets")
    install_addon(widgets, version="1.1.0")
    with host.db.transaction() as s:
        menu = s.execute(select(EntryPointRecord).where(EntryPointRecord.name == "widgets_menu")).scalar_one()
        assert (menu.title, menu.enabled, menu.edited) == ("My cards", False, ["title"])
        assert menu.icon == "fa-credit-card"


def test_hook_splynx_register_routes__only_while_enabled(host, install_addon):
    install_addon(widgets)
    client = make_test_app(host).test_client()
    assert "<p>pay modal</p>" in client.get("/widgets/pay").get_data(as_text=True)
    host.registry.set_enabled("widgets", False, "test")
    assert client.get("/widgets/pay").status_code == 404


def test_hook_splynx_render_entry_point(host, install_addon, factory):
    install_addon(widgets)
    customer = factory.customer(name="Ada Lovelace")
    factory.invoice(customer)
    client = portal_login(make_test_app(host), customer)
    dashboard = client.get("/portal/").get_data(as_text=True)
    assert "Hello, Ada Lovelace!" in dashboard
    assert "Widget credentials" in dashboard
    invoices = client.get("/portal/finance/invoices").get_data(as_text=True)
    assert 'data-modal-url="/widgets/pay?item_id=' in invoices and 'data-modal-width="450"' in invoices


def test_hook_splynx_render_entry_point__failure_shows_an_error_box(host, install_addon, factory):
    install_addon(widgets)
    install_addon(fakepay)
    customer = factory.customer(name="Grace Hopper")
    response = portal_login(make_test_app(host), customer).get("/portal/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The widget “Broken widget” of add-on fakepay could not be shown" in page
    assert "Hello, Grace Hopper!" in page
    assert "widget exploded" in host.addons.ui_errors["fakepay"]


def test_hook_splynx_register_commands(host, install_addon):
    install_addon(widgets)
    context = CLIContext()
    context._host = host
    result = CliRunner().invoke(cli, ["widgets", "hello"], obj=context)
    assert result.output == "hello from widgets\n"
    assert "widgets" in CliRunner().invoke(cli, ["--help"], obj=context).output


def test_hook_splynx_lifecycle(host, install_addon):
    install_addon(widgets)
    host.registry.set_enabled("widgets", False, "test")
    host.registry.set_enabled("widgets", True, "test")
    host.addons.unregister("widgets")
    install_addon(widgets, version="2.0.0")
    assert widgets.EVENTS == [("installed", None, "1.0.0"), ("disabled", None, None), ("enabled", None, None),
                              ("upgraded", "1.0.0", "2.0.0")]


def _invoice(host, factory, total="40.00"):
    customer = factory.customer()
    return customer, factory.invoice(customer, total)


def test_hook_splynx_pay_invoice__approved_books_payment_and_marks_paid(host, install_addon, factory):
    install_addon(fakepay)
    customer, invoice = _invoice(host, factory)
    outcome = host.payments.pay(gateway="fakepay", customer_id=customer.id, target_kind="invoice",
                                target_id=invoice.id, initiated_by="test")
    assert outcome.approved
    with host.db.transaction() as s:
        inv = s.get(Invoice, invoice.id)
        payment = s.execute(select(Payment)).scalar_one()
        assert (inv.status, inv.due) == ("paid", Decimal("0.00"))
        assert (payment.amount, payment.gateway, payment.comment) == (Decimal("40.00"), "fakepay", "Pay by Fakepay")
        assert payment.gateway_reference.startswith("REF-") and payment.invoice_id == invoice.id
    assert list(fakepay.GATEWAY.charges.values()) == [Decimal("40.00")]


def test_hook_splynx_pay_invoice__declined_leaves_invoice_unpaid(host, install_addon, factory):
    install_addon(fakepay)
    customer, invoice = _invoice(host, factory)
    fakepay.GATEWAY.script = ["decline"]
    outcome = host.payments.pay(gateway="fakepay", customer_id=customer.id, target_kind="invoice", target_id=invoice.id)
    assert outcome.status is PaymentStatus.DECLINED and outcome.message == "Card declined (005)"
    with host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).status == "not_paid"
        assert s.execute(select(Payment)).first() is None


def test_hook_splynx_pay_invoice__unknown_blocks_then_reconciles_without_second_charge(host, install_addon, factory):
    install_addon(fakepay)
    customer, invoice = _invoice(host, factory)
    fakepay.GATEWAY.script = ["timeout_after_charge"]
    outcome = host.payments.pay(gateway="fakepay", customer_id=customer.id, target_kind="invoice", target_id=invoice.id)
    assert outcome.status is PaymentStatus.UNKNOWN
    with host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).status == "pending"
    with pytest.raises(PaymentInProgress):
        host.payments.pay(gateway="fakepay", customer_id=customer.id, target_kind="invoice", target_id=invoice.id)
    [resolved] = host.reconciler.sweep("fakepay").checks
    assert resolved.outcome.approved
    assert len(fakepay.GATEWAY.charges) == 1
    with host.db.transaction() as s:
        assert s.get(Invoice, invoice.id).status == "paid"
        assert len(s.execute(select(Payment)).all()) == 1


def test_hook_splynx_pay_invoice__exception_is_an_unknown_outcome(host, install_addon, factory):
    install_addon(fakepay)
    customer, invoice = _invoice(host, factory)
    fakepay.GATEWAY.script = ["raise"]
    outcome = host.payments.pay(gateway="fakepay", customer_id=customer.id, target_kind="invoice", target_id=invoice.id)
    assert outcome.status is PaymentStatus.UNKNOWN and "you will not be charged twice" in outcome.message
    with host.db.transaction() as s:
        assert s.execute(select(PaymentAttempt.status)).scalar_one() == "unknown"


def test_hook_splynx_pay_invoice__concurrent_clicks_charge_once(host, install_addon, factory):
    import threading

    install_addon(fakepay)
    customer, invoice = _invoice(host, factory)
    fakepay.GATEWAY.hold.clear()  # keep the first charge in flight while the others click
    results, errors = [], []

    def click():
        try:
            results.append(host.payments.pay(gateway="fakepay", customer_id=customer.id, target_kind="invoice",
                                             target_id=invoice.id))
        except PaymentInProgress as exc:
            errors.append(exc)

    threads = [threading.Thread(target=click) for _ in range(5)]
    for t in threads:
        t.start()
    for _ in range(200):
        if len(errors) == 4:
            break
        threading.Event().wait(0.02)
    fakepay.GATEWAY.hold.set()
    for t in threads:
        t.join(10)
    assert len(results) == 1 and results[0].approved and len(errors) == 4
    assert len(fakepay.GATEWAY.calls) == 1


def test_hook_splynx_pay_invoice__not_implemented_fails_loudly(host, install_addon):
    install_addon(widgets)
    request = PaymentRequest(attempt_key="K", customer_id=1, target_kind="invoice", target_id=1, amount=Decimal("1"))
    with pytest.raises(AddonCallError, match="does not implement splynx_pay_invoice"):
        host.addons.hooks.pay_invoice("widgets", request)


def test_hook_splynx_refill_balance(host, install_addon, factory):
    install_addon(fakepay)
    customer = factory.customer()
    older = factory.invoice(customer, "10.00", days_ago=40)
    newer = factory.invoice(customer, "10.00", days_ago=10)
    outcome = host.payments.pay(gateway="fakepay", customer_id=customer.id, target_kind="balance",
                                amount=Decimal("15.00"))
    assert outcome.approved
    with host.db.transaction() as s:
        assert s.get(Invoice, older.id).status == "paid"
        assert (s.get(Invoice, newer.id).status, s.get(Invoice, newer.id).due) == ("not_paid", Decimal("5.00"))
        assert s.get(type(customer), customer.id).balance == Decimal("-5.00")


def _paid(host, factory, total="40.00"):
    """An invoice paid through fakepay; returns the payment's id."""
    customer, invoice = _invoice(host, factory, total)
    outcome = host.payments.pay(gateway="fakepay", customer_id=customer.id, target_kind="invoice",
                                target_id=invoice.id, initiated_by="test")
    assert outcome.approved
    return outcome.payment_id


def _refunds(host, payment_id):
    with host.db.transaction() as s:
        return [p.amount for p in s.execute(select(Payment).where(Payment.refund_of_id == payment_id)).scalars()]


def test_hook_splynx_refund_payment__books_a_linked_refund_and_marks_the_payment_refunded(host, install_addon,
                                                                                          factory):
    install_addon(fakepay)
    payment_id = _paid(host, factory)
    partial = host.payments.refund(gateway="fakepay", payment_id=payment_id, amount=Decimal("15.00"),
                                   initiated_by="admin:test")
    assert partial.approved and partial.amount == Decimal("15.00")
    with pytest.raises(PaymentError, match="between 0.01 and 25.00"):
        host.payments.refund(gateway="fakepay", payment_id=payment_id, amount=Decimal("30.00"), initiated_by="t")
    with pytest.raises(PaymentError, match="between 0.01 and 25.00"):
        host.payments.refund(gateway="fakepay", payment_id=payment_id, amount=Decimal("0.001"), initiated_by="t")
    assert host.payments.refund(gateway="fakepay", payment_id=payment_id, amount=Decimal("25.00"),
                                initiated_by="t").approved
    assert _refunds(host, payment_id) == [Decimal("-15.00"), Decimal("-25.00")]
    with host.db.transaction() as s:
        paid_by = s.execute(select(PaymentAttempt).where(PaymentAttempt.payment_id == payment_id)).scalar_one()
        refund = s.execute(select(Payment).where(Payment.refund_of_id == payment_id)).scalars().first()
        assert paid_by.status == "refunded" and refund.gateway_reference != paid_by.gateway_reference
    with pytest.raises(PaymentError, match="refunded in full"):
        host.payments.refund(gateway="fakepay", payment_id=payment_id, amount=Decimal("1.00"), initiated_by="t")


def test_hook_splynx_refund_payment__parallel_full_refunds_pay_out_once(host, install_addon, factory):
    import threading

    install_addon(fakepay)
    payment_id = _paid(host, factory, "10.00")
    fakepay.GATEWAY.hold.clear()  # keep the first refund at the gateway while the others click
    outcomes, refused = [], []

    def click():
        try:
            outcomes.append(host.payments.refund(gateway="fakepay", payment_id=payment_id, amount=Decimal("10.00"),
                                                 initiated_by="admin:test"))
        except PaymentError as exc:
            refused.append(exc)

    threads = [threading.Thread(target=click) for _ in range(10)]
    for t in threads:
        t.start()
    for _ in range(250):
        if len(refused) == 9:
            break
        threading.Event().wait(0.02)
    fakepay.GATEWAY.hold.set()
    for t in threads:
        t.join(10)
    assert len(outcomes) == 1 and outcomes[0].approved and len(refused) == 9
    assert [v for v in fakepay.GATEWAY.charges.values() if v < 0] == [Decimal("-10.00")]
    assert _refunds(host, payment_id) == [Decimal("-10.00")]


def test_hook_splynx_refund_payment__unknown_holds_the_lock_until_reconciled(host, install_addon, factory):
    install_addon(fakepay)
    payment_id = _paid(host, factory)
    fakepay.GATEWAY.script = ["timeout_after_charge"]
    outcome = host.payments.refund(gateway="fakepay", payment_id=payment_id, amount=Decimal("40.00"),
                                   initiated_by="admin:test")
    assert outcome.status is PaymentStatus.UNKNOWN and _refunds(host, payment_id) == []
    with pytest.raises(PaymentInProgress):
        host.payments.refund(gateway="fakepay", payment_id=payment_id, amount=Decimal("1.00"), initiated_by="t")
    [settled] = host.reconciler.sweep("fakepay").checks
    assert settled.outcome.approved and _refunds(host, payment_id) == [Decimal("-40.00")]
    assert [v for v in fakepay.GATEWAY.charges.values() if v < 0] == [Decimal("-40.00")]


def test_hook_splynx_refund_payment__only_the_gateway_that_took_the_payment(host, install_addon, factory):
    install_addon(fakepay)
    payment_id = _paid(host, factory)
    with pytest.raises(PaymentError, match="Only payments made through ippay"):
        host.payments.refund(gateway="ippay", payment_id=payment_id, amount=Decimal("1.00"), initiated_by="t")


def test_hook_splynx_bulk_charge(host, install_addon):
    install_addon(fakepay)
    items = (ChargeItem("K1", 1, "2026000001", 1, Decimal("10.00"), account=None),)
    [result] = list(host.addons.hooks.bulk_charge("fakepay", ChargeBatch(batch_id=1, items=items)))
    assert result.invoice_id == 1 and result.result.message == "Customer payment account is empty!"
    assert host.addons.hooks.implementers("splynx_bulk_charge") == ["fakepay"]
