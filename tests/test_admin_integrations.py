"""Config → Integrations: the generated settings form, entry-point editor, Add-ons page with broken add-ons."""

from sqlalchemy import select

from core.entry_points import Place
from core.manager import AddonManager
from hostapp.models import AuditEntry, EntryPointRecord, ModuleSetting
from hostapp.services.entry_points import visible_points
from splynx_testing.fixtures import make_test_app
from tests.framework.distributions import SysPath, make_distribution
from tests.plugins import widgets

EDIT = "/admin/config/integrations/modules/splynx_widgets_addon"


def test_settings_form_renders_every_field_type(admin_client, install_addon):
    install_addon(widgets)
    page = admin_client.get(EDIT).get_data(as_text=True)
    for label in ("Greeting", "Service fee %", "Retries", "Mode", "Available payment types", "Gateway URL",
                  "Server IP", "Payment method", "API key"):
        assert label in page
    assert 'type="password" name="api_key" value=""' in page
    assert ">Credit card</option>" in page  # relation choices come from Config → Finance → Payment methods


def test_invalid_settings_show_per_field_errors_and_save_nothing(admin_client, host, install_addon):
    install_addon(widgets)
    with host.db.transaction() as s:
        before = {(r.key, r.value) for r in s.execute(select(ModuleSetting)).scalars()}
    response = admin_client.post(EDIT, data={"form": "settings", "greeting": "Hi there", "fee": "lots",
                                             "retries": "2", "url": "not a url", "server_ip": "1.2.3",
                                             "mode": "test", "api_key": "secret-1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a number such as 2.50." in page
    assert "Enter a full URL starting with http:// or https://." in page
    assert "Enter an IPv4 or IPv6 address" in page
    assert "secret-1" not in page
    with host.db.transaction() as s:
        assert {(r.key, r.value) for r in s.execute(select(ModuleSetting)).scalars()} == before


def test_valid_settings_are_saved_secret_sealed_and_never_echoed(admin_client, host, install_addon):
    install_addon(widgets)
    response = admin_client.post(EDIT, data={"form": "settings", "greeting": "Hi", "fee": "2.5", "retries": "1",
                                             "mode": "live", "types": ["card", "ach"], "active": "1",
                                             "url": "https://pay.example/x", "server_ip": "203.0.113.5",
                                             "api_key": "TERMINAL-SECRET"})
    assert response.status_code == 302
    page = admin_client.get(EDIT).get_data(as_text=True)
    assert "TERMINAL-SECRET" not in page
    assert "Warning! This field has a hidden encrypted value" in page
    with host.db.transaction() as s:
        secret = s.execute(select(ModuleSetting).where(ModuleSetting.key == "api_key")).scalar_one()
        assert secret.encrypted and "TERMINAL-SECRET" not in secret.value
        assert all("TERMINAL-SECRET" not in str(e.details) for e in s.execute(select(AuditEntry)).scalars())


def test_partner_override_is_marked(admin_client, install_addon, factory):
    install_addon(widgets)
    partner = factory.partner("North")
    admin_client.post(EDIT + f"?partner={partner.id}",
                      data={"form": "settings", "partner": partner.id, "currency": "EUR", "api_key": "p-key"})
    page = admin_client.get(EDIT + f"?partner={partner.id}").get_data(as_text=True)
    assert "Currency *" in page and 'value="EUR"' in page
    assert "Greeting" not in page  # shared sections are edited on the Default partner only


def test_entry_point_editor_toggles_and_validates(admin_client, host, install_addon):
    install_addon(widgets)
    with host.db.transaction() as s:
        point = s.execute(select(EntryPointRecord).where(EntryPointRecord.name == "widgets_menu")).scalar_one()
    url = EDIT + "/entry-points"
    form = {"id": point.id, "place": "portal", "type": "menu_link", "size": "medium", "root": "finance",
            "placement": "before_content", "title": "Cards", "icon": "fa-credit-card", "url": "/widgets/",
            "code": "", "enabled": "0"}
    assert admin_client.post(url, data=form).status_code == 302
    with host.db.transaction() as s:
        saved = s.get(EntryPointRecord, point.id)
        assert (saved.enabled, saved.title) == (False, "Cards")
    admin_client.post(url, data={**form, "url": ""})
    page = admin_client.get(url).get_data(as_text=True)
    assert "Entry point not saved: widgets_menu: a menu_link needs an add-on URL" in page
    for hostile in ("javascript:alert(document.cookie)", "//evil.example/", "data:text/html,x", "/\\evil.example"):
        admin_client.post(url, data={**form, "url": hostile})
        page = admin_client.get(url).get_data(as_text=True)
        assert "the add-on URL must start with http://, https:// or /" in page
        with host.db.transaction() as s:
            assert s.get(EntryPointRecord, point.id).url == "/widgets/"
    assert admin_client.post(url, data={**form, "url": "https://addon.example/widgets"}).status_code == 302
    form["url"] = "/widgets/"
    assert admin_client.post(url, data={**form, "enabled": "1"}).status_code == 302

    def shown() -> list[str]:
        with host.db.transaction() as s:
            return [p.name for p in visible_points(s, Place.PORTAL, loaded=set(host.addons.loaded))]

    assert "widgets_menu" in shown()
    with host.db.transaction() as s:  # stored before the rule existed: never rendered, and can be corrected
        s.get(EntryPointRecord, point.id).url = "javascript:alert(1)"
    assert "widgets_menu" not in shown()
    assert admin_client.post(url, data={**form, "url": "/widgets/"}).status_code == 302
    with host.db.transaction() as s:
        assert s.get(EntryPointRecord, point.id).url == "/widgets/"


def test_addon_that_raises_at_import_is_listed_with_its_error(tmp_path, host, factory):
    make_distribution(tmp_path, "splynx-crashy", "9.9", {"crashy": "splynx_crashy.addon"},
                      {"splynx_crashy.addon": "raise ImportError('libgateway.so.1: cannot open shared object')\n"})
    with SysPath(tmp_path):
        manager = AddonManager(strict=False)
        manager.discover()
    host.addons = manager
    host.registry.manager = manager
    app = make_test_app(host)
    factory.admin(login="ops", password="ops-password")
    client = app.test_client()
    client.post("/admin/login", data={"login": "ops", "password": "ops-password"})
    page = client.get("/admin/config/integrations/add-ons").get_data(as_text=True)
    assert "splynx-crashy" in page
    assert "Broken: ImportError: libgateway.so.1: cannot open shared object" in page
    assert client.get("/admin/customers").status_code == 200


def test_main_modules_toggle(admin_client, host, install_addon):
    install_addon(widgets)
    admin_client.post("/admin/config/integrations/modules/splynx_widgets_addon/toggle", data={"enabled": "0"})
    page = admin_client.get("/admin/config/integrations/main-modules").get_data(as_text=True)
    assert "Test widgets add-on" in page and ">Enable</button>" in page
