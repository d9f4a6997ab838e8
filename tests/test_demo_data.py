"""The data ``splynx demo`` seeds: dated relative to today, never after it; saved test cards from gateway add-ons."""

from datetime import date, timedelta

from sqlalchemy import func, select

from core import AddonManifest, ModuleSpec, hookimpl
from hostapp.demo import AddonDemoData, seed_demo
from hostapp.models import Invoice, Payment, PaymentAccount, ProformaInvoice, Transaction
from hostapp.services.charging import BatchRequest, ChargeFilters, ChargeService
from hostapp.services.settings_store import SettingsStore
from splynx_testing.machine import require_module


def test_demo_data_is_never_dated_after_today(host):
    today = date(2026, 12, 2)  # early in the month: invoices of the 1st, payments five days later would be ahead
    with host.db.transaction() as session:
        assert seed_demo(session, customers=12, today=today)
    with host.db.reading() as session:
        latest = {model.__name__: session.execute(select(func.max(column))).scalar()
                  for model, column in ((Payment, Payment.date), (Transaction, Transaction.date),
                                        (Invoice, Invoice.date_created), (ProformaInvoice, ProformaInvoice.date_created))}
        assert session.execute(select(func.count()).select_from(Payment)).scalar() > 0
        this_month = session.execute(select(func.count()).select_from(Payment).where(
            Payment.date == today)).scalar()
    assert all(value is not None and value <= today for value in latest.values()), latest
    assert this_month > 0, "payments of this month's invoices are dated today, not five days after the 1st"


def _configure(host, addon_id: str, schema, raw: dict) -> None:
    """Settings as the operator types them into Modules list → Edit from what the demo prints."""
    with host.db.transaction() as session:
        store = SettingsStore(session, host.box)
        result = store.validate(addon_id, schema, raw, 0, keys=set(raw))
        assert result.ok, result.errors
        store.save(addon_id, schema, result.values, actor="test", partner_id=0)


def _holders(host) -> dict[str, set[int]]:
    with host.db.reading() as session:
        rows = session.execute(select(PaymentAccount.gateway, PaymentAccount.customer_id)).all()
    found: dict[str, set[int]] = {}
    for gateway, customer_id in rows:
        found.setdefault(gateway, set()).add(customer_id)
    return found


def test_hook_splynx_demo_data__gateways_installed_while_the_demo_runs_save_cards_a_charge_approves(
        host, install_addon):
    """IPpay and iCharge installed into the demo's data against their real simulators (HTTP on loopback)."""
    require_module("splynx_ippay")
    require_module("splynx_icharge")
    from splynx_icharge import addon as icharge_addon, simulator as icharge_simulator
    from splynx_icharge.settings import SETTINGS as ICHARGE_SETTINGS
    from splynx_ippay import addon as ippay_addon, simulator as ippay_simulator
    from splynx_ippay.settings import SETTINGS as IPPAY_SETTINGS

    with host.db.transaction() as session:
        seed_demo(session)
    sims = {"icharge": icharge_simulator.start(), "ippay": ippay_simulator.start()}
    said: list[str] = []
    try:
        data = AddonDemoData(host, {addon_id: sim.url for addon_id, sim in sims.items()}, say=said.append)
        host.registry.after_install.append(data.add)  # what splynx demo does once its simulators listen
        install_addon(ippay_addon)
        install_addon(icharge_addon)
        holders = _holders(host)
        assert len(holders["ippay"]) == len(holders["icharge"]) == 3 and not holders["ippay"] & holders["icharge"]
        assert [line.split(":")[0] for line in said] == ["  Demo data (ippay)", "  Demo data (icharge)"], said
        assert "saved test cards for demo" in said[0] and "(Visa ending 1111)" in said[0]
        assert data.add_installed() == [] and _holders(host) == holders  # asked again: nothing added twice

        # the Gateway URL and test credentials the demo prints, typed into Modules list
        _configure(host, "ippay", IPPAY_SETTINGS, {"terminal_id": "TESTTERMINAL", "gateway_url": sims["ippay"].url})
        _configure(host, "icharge", ICHARGE_SETTINGS, {"merchant_id": "XILOTEST", "api_key": "sk_test_icharge",
                                                       "gateway_url": sims["icharge"].url})
        service = ChargeService(host)
        period = ChargeFilters(period_from=date.today() - timedelta(days=90), period_to=date.today())
        for gateway in ("ippay", "icharge"):
            host.registry.set_enabled(gateway, True, "test")
            batch_id = service.create(BatchRequest(handler=gateway, filters=period, created_by="test"))
            assert service.run_here(batch_id) == "ready"
            summary = service.summary(batch_id)
            assert summary.approved >= 3, summary  # the card holders' invoices; the rest have no saved card
        with host.db.reading() as session:
            still_owing = set(session.execute(select(Invoice.customer_id).where(
                Invoice.status == "not_paid", Invoice.due > 0)).scalars())
        assert not (holders["ippay"] | holders["icharge"]) & still_owing
        assert data.add_installed() == [] and _holders(host) == holders  # paid up, still the same card holders
    finally:
        for sim in sims.values():
            sim.stop()
        host.jobs.shutdown(wait=True)


class BrokenDemo:
    """An add-on whose demo data fails: the install and the demo carry on."""

    MANIFEST = AddonManifest(id="brokendemo", title="Broken demo")

    @hookimpl
    def splynx_configure_module(self):
        return ModuleSpec(title="Broken demo")

    @hookimpl
    def splynx_demo_data(self, demo):
        raise RuntimeError(f"no simulator at {demo.gateway_url}")


def test_hook_splynx_demo_data__fail_soft(host, install_addon):
    said: list[str] = []
    data = AddonDemoData(host, {"brokendemo": "http://127.0.0.1:9/none"}, say=said.append)
    host.registry.after_install.append(data.add)
    install_addon(BrokenDemo())
    assert said == [] and data.add_installed() == []
    assert host.addons.ui_errors["brokendemo"] == "splynx_demo_data: RuntimeError: no simulator at http://127.0.0.1:9/none"
