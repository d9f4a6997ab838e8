"""Config → Main → Portal: per-partner values over the Default partner, only for administrators who
may manage the configuration."""

from sqlalchemy import select

from hostapp.models import ModuleSetting
from hostapp.services.portal_settings import SETTINGS_ID
from tests.security.conftest import login_as

URL = "/admin/config/main/portal"


def _own_keys(host, partner_id):
    with host.db.reading() as s:
        return set(s.execute(select(ModuleSetting.key).where(ModuleSetting.addon_id == SETTINGS_ID,
                                                             ModuleSetting.partner_id == partner_id)).scalars())


def test_partners_follow_the_default_unless_they_have_their_own_values(full_app, host, factory, make_admin):
    main, riverside = factory.partner("Main"), factory.partner("Riverside")
    admin = login_as(full_app, make_admin("super"))
    page = admin.get(URL).get_data(as_text=True)
    for label in ("Per partner settings", "Payment methods", "Refill card", "IPpay", "iCharge", "Tiles"):
        assert label in page
    with host.db.reading() as s:
        assert host.portal.methods(s, main.id) == {"ippay", "icharge"}  # Refill card is off until chosen

    assert admin.post(URL, data={"payment_methods": ["ippay", "refill_card"],
                                 "dashboard_tiles": ["balance"]}).status_code == 302
    saved_for_riverside = admin.post(URL, data={"partner": riverside.id, "payment_methods": ["icharge"],
                                                "dashboard_tiles": ["balance"]}, follow_redirects=True)
    assert "Portal settings saved for Riverside." in saved_for_riverside.get_data(as_text=True)
    assert _own_keys(host, riverside.id) == {"payment_methods"}  # tiles equal the Default's: not its own
    with host.db.reading() as s:
        assert host.portal.methods(s, main.id) == {"ippay", "refill_card"}
        assert host.portal.shows_method(s, main.id, "refill_card")
        assert host.portal.methods(s, riverside.id) == {"icharge"}
        assert host.portal.tiles(s, riverside.id) == {"balance"}

    admin.post(URL, data={"partner": riverside.id, "form": "reset"})
    with host.db.reading() as s:
        assert host.portal.methods(s, riverside.id) == {"ippay", "refill_card"}


def test_only_administrators_who_manage_the_configuration_reach_it(full_app, make_admin):
    assert login_as(full_app, make_admin("viewer")).get(URL).status_code == 403
    assert login_as(full_app, make_admin("financial")).post(URL, data={"payment_methods": []}).status_code == 403
    assert full_app.test_client().get(URL).status_code == 302  # to the login page
