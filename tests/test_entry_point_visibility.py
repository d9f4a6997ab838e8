"""An add-on may hide its entry points per viewer; menu links to host-layout pages open in place."""

from flask import Blueprint, render_template_string
from sqlalchemy import update

from core import AddonManifest, EntryPoint, ModuleSpec, hookimpl
from hostapp.models import EntryPointRecord
from hostapp.web.auth import current_customer
from hostapp.web.entry_point_views import host_page
from splynx_testing.fixtures import make_test_app, portal_login


bp = Blueprint("gated", __name__)


@bp.get("/page")
@host_page
def page():
    return render_template_string("{% extends 'portal/layout.html' %}{% block content %}gated page{% endblock %}",
                                  current_customer=current_customer())


@bp.get("/framed")
def framed():
    return "framed"


class Gated:
    """A small add-on with two portal menu links: one opens in place, one in the frame."""

    MANIFEST = AddonManifest(id="gated", title="Gated")

    def __init__(self, visible) -> None:
        self.visible = visible

    @hookimpl
    def splynx_configure_module(self):
        return ModuleSpec(title="Gated")

    @hookimpl
    def splynx_register_entry_points(self):
        return [EntryPoint(name="gated_page", place="portal", type="menu_link", root="finance", title="Gated page",
                           url="/gated/page", enabled=True),
                EntryPoint(name="gated_framed", place="portal", type="menu_link", root="finance",
                           title="Gated frame", url="/gated/framed", enabled=True)]

    @hookimpl
    def splynx_register_routes(self):
        return bp

    @hookimpl
    def splynx_entry_point_visible(self, point, context):
        return self.visible(point, context)


def test_hook_splynx_entry_point_visible__hides_points_per_customer(host, install_addon, factory):
    shown = factory.customer(name="Shown")
    install_addon(Gated(lambda point, context: context["customer"].name == "Shown"))
    app = make_test_app(host)
    client = portal_login(app, shown)
    page = client.get("/portal/").get_data(as_text=True)
    assert 'href="/gated/page"' in page
    assert "gated page" in client.get("/gated/page").get_data(as_text=True)
    assert 'href="/portal/add-on?module=splynx_gated_addon' in page  # the plain URL keeps the frame
    hidden = portal_login(app, factory.customer(name="Other")).get("/portal/").get_data(as_text=True)
    assert "Gated page" not in hidden and "Gated frame" not in hidden


def test_hook_splynx_entry_point_visible__failure_hides_the_point(host, install_addon, factory):
    def broken(point, context):
        raise RuntimeError("settings table missing")

    install_addon(Gated(broken))
    app = make_test_app(host)
    page = portal_login(app, factory.customer()).get("/portal/")
    assert page.status_code == 200 and "Gated page" not in page.get_data(as_text=True)
    assert "settings table missing" in host.addons.ui_errors["gated"]


def test_a_portal_point_limited_to_other_partners_is_not_shown(host, install_addon, factory):
    customer = factory.customer()
    install_addon(Gated(lambda point, context: True))
    with host.db.transaction() as s:
        s.execute(update(EntryPointRecord).where(EntryPointRecord.name == "gated_page")
                  .values(partners=[customer.partner_id + 1000]))
    page = portal_login(make_test_app(host), customer).get("/portal/").get_data(as_text=True)
    assert "Gated frame" in page and "Gated page" not in page
