"""The admin's and the portal's main menus are rendered once per menu and current page, then reused,
and each page still marks its own link as the current one."""

import re

import pytest
from flask import template_rendered
from sqlalchemy import update

from core import AddonManifest, EntryPoint, ModuleSpec, hookimpl
from hostapp.models import EntryPointRecord
from splynx_testing.fixtures import portal_login

CURRENT = re.compile(r'aria-current="page">([^<]+)</a>')


@pytest.fixture
def sidebar_renders():
    """The sidebar templates rendered while the test runs, by name."""
    rendered = []

    def count(_sender, template, **_extra):
        if template.name.endswith("/sidebar.html"):
            rendered.append(template.name)

    template_rendered.connect(count)
    yield rendered
    template_rendered.disconnect(count)


def sidebar_of(page: str) -> str:
    return page.split('<aside class="sidebar"', 1)[1].split("</aside>", 1)[0]


@pytest.mark.parametrize("place, first, second", [
    ("admin", ("/admin/finance/invoices", "Invoices"), ("/admin/finance/payments", "Payments")),
    ("portal", ("/portal/finance/invoices", "Invoices"), ("/portal/finance/transactions", "Transactions")),
])
def test_each_page_renders_its_sidebar_once_and_marks_its_own_link(place, first, second, app, factory,
                                                                    admin_client, sidebar_renders):
    client = admin_client if place == "admin" else portal_login(app, factory.customer())
    for url, current in (first, second, first, second):
        page = client.get(url)
        assert page.status_code == 200
        assert CURRENT.findall(sidebar_of(page.get_data(as_text=True))) == [current]
    assert sidebar_renders == [f"{place}/sidebar.html"] * 2


class NetworkMap:
    """An add-on with one admin menu link, installed disabled."""

    MANIFEST = AddonManifest(id="netmap", title="Network map")

    @hookimpl
    def splynx_configure_module(self):
        """No settings."""
        return ModuleSpec(title="Network map")

    @hookimpl
    def splynx_register_entry_points(self):
        """A link in the Customers section, off until an administrator enables it."""
        return [EntryPoint(name="map", place="admin", type="menu_link", root="customers", title="Network map",
                           url="https://maps.example/", enabled=False)]


def test_a_menu_link_enabled_meanwhile_gives_the_sidebar_anew(host, install_addon, admin_client, sidebar_renders):
    install_addon(NetworkMap())
    assert "Network map" not in sidebar_of(admin_client.get("/admin/customers").get_data(as_text=True))
    with host.db.transaction() as session:
        session.execute(update(EntryPointRecord).where(EntryPointRecord.name == "map").values(enabled=True))
    assert "Network map" in sidebar_of(admin_client.get("/admin/customers").get_data(as_text=True))
    assert sidebar_renders == ["admin/sidebar.html"] * 2
