"""The UI and registration hooks, exercised through a test add-on registered by a fixture."""

from sqlalchemy import select

from hostapp.models import EntryPointRecord, Module, PaymentAccountType, PaymentMethod
from tests.fixtures import make_test_app, portal_login
from tests.plugins import widgets


def test_configure_module_registers_module_methods_and_account_types(host, install_addon):
    install_addon(widgets)
    with host.db.transaction() as s:
        module = s.execute(select(Module).where(Module.addon_id == "widgets")).scalar_one()
        assert (module.name, module.title, module.status) == ("splynx_widgets_addon", "Test widgets add-on", "enabled")
        assert s.execute(select(PaymentMethod).where(PaymentMethod.name == "Widget pay")).scalar_one().addon_id == "widgets"
        assert s.execute(select(PaymentAccountType.title)).scalars().all() == ["Widget card"]


def test_register_entry_points_stores_defaults(host, install_addon):
    install_addon(widgets)
    with host.db.transaction() as s:
        names = s.execute(select(EntryPointRecord.name).order_by(EntryPointRecord.name)).scalars().all()
    assert names == ["widgets_dashboard", "widgets_invoice", "widgets_menu"]


def test_code_widget_menu_link_and_action_icon_render_in_portal(host, install_addon, factory):
    install_addon(widgets)
    app = make_test_app(host)
    customer = factory.customer(name="Ada Lovelace")
    factory.invoice(customer)
    client = portal_login(app, customer)
    dashboard = client.get("/portal/").get_data(as_text=True)
    assert "Hello, Ada Lovelace!" in dashboard
    assert "Widget credentials" in dashboard
    invoices = client.get("/portal/finance/invoices").get_data(as_text=True)
    assert 'data-modal-url="/widgets/pay?item_id=' in invoices
    assert client.get("/widgets/pay").status_code == 200
