"""Roles and partners: every admin endpoint declares a permission; each role sees what it may; managers their partners."""

from __future__ import annotations

from sqlalchemy import select

from core.web.permissions import PERMISSIONS, declared_permission
from hostapp.models import AuditEntry
from hostapp.web.roles import ROLES
from splynx_refill_cards.models import Series

from .conftest import login_as

#: admin endpoints anyone may open (the login form)
PUBLIC_ADMIN_ENDPOINTS = {"admin.login"}


def _is_admin_endpoint(rule) -> bool:
    return rule.rule.startswith("/admin/") or "/admin/" in rule.rule


def test_every_admin_endpoint_declares_a_permission(full_app):
    undeclared, unknown, admin_rules = [], [], 0
    for rule in full_app.url_map.iter_rules():
        if not _is_admin_endpoint(rule) or rule.endpoint in PUBLIC_ADMIN_ENDPOINTS:
            continue
        admin_rules += 1
        permission = declared_permission(full_app.view_functions[rule.endpoint])
        if permission is None:
            undeclared.append(f"{rule.endpoint} {rule.rule}")
        elif permission not in PERMISSIONS:
            unknown.append(f"{rule.endpoint}: {permission}")
    assert undeclared == [] and unknown == []
    assert admin_rules > 50  # host and add-on admin routes were all walked


def test_roles_grant_known_permissions_and_only_super_manages_admins_addons_and_settings():
    for role in ROLES.values():
        assert role.permissions <= set(PERMISSIONS)
    for permission in ("administration.manage", "config.manage"):
        assert [r.key for r in ROLES.values() if r.allows(permission)] == ["super"]
    assert [r.key for r in ROLES.values() if r.allows(None)] == ["super"]


def _status(client, url, method="get", **data):
    return getattr(client, method)(url, data=data or None).status_code


def test_each_role_is_allowed_and_refused_its_pages(full_app, host, factory, make_admin):
    partner = factory.partner()
    customer = factory.customer(partner=partner)
    pages = {"/admin/": "dashboard.view", f"/admin/customers/{customer.id}": "customers.view",
             "/admin/finance/invoices": "finance.view", "/admin/finance/charge/history": "finance.charge",
             "/admin/administration/administrators": "administration.manage",
             "/admin/administration/logs/audit": "administration.view",
             "/admin/config/integrations/add-ons": "config.view",
             "/admin/config/integrations/modules/splynx_ippay_addon": "config.manage",
             "/refill-cards/admin/series": "prepaid.view", "/refill-cards/admin/generate": "prepaid.manage",
             f"/ippay/admin/customer?customer_id={customer.id}": "customers.view"}
    for key, role in ROLES.items():
        client = login_as(full_app, make_admin(key, [partner] if role.limited_to_partners else []))
        for url, permission in pages.items():
            expected = 200 if role.allows(permission) else 403
            assert _status(client, url) == expected, (key, url)


def test_a_manager_cannot_create_a_super_administrator_and_the_refusal_is_audited(full_app, host, factory,
                                                                                   make_admin):
    partner = factory.partner()
    client = login_as(full_app, make_admin("manager", [partner]))
    assert _status(client, "/admin/administration/administrators", "post", login="evil", name="Evil",
                   password="evil-password", role="super") == 403
    assert _status(client, "/admin/config/integrations/add-ons/splynx-ippay/remove", "post") == 403
    assert _status(client, "/admin/administration/partners", "post", name="Mine") == 403
    refused = host.db.session.execute(select(AuditEntry).where(AuditEntry.action == "permission.refused")).scalars()
    assert {e.target for e in refused} >= {"/admin/administration/administrators", "/admin/administration/partners"}


def test_a_manager_sees_only_their_partners_rows_counts_and_sums(full_app, host, factory, make_admin):
    mine, other = factory.partner(), factory.partner()
    own = factory.customer(partner=mine, name="Own Customer")
    foreign = factory.customer(partner=other, name="Foreign Customer")
    own_invoice = factory.invoice(own, "11.00")
    foreign_invoice = factory.invoice(foreign, "77.00")
    client = login_as(full_app, make_admin("manager", [mine]))
    listing = client.get("/admin/customers").get_data(as_text=True)
    assert "Own Customer" in listing and "Foreign Customer" not in listing
    assert client.get(f"/admin/customers/{foreign.id}").status_code == 404
    assert client.get(f"/admin/customers/{own.id}").status_code == 200
    invoices = client.get("/admin/finance/invoices").get_data(as_text=True)
    assert own_invoice.number in invoices and foreign_invoice.number not in invoices
    assert client.get(f"/admin/finance/invoices/{foreign_invoice.id}").status_code == 404
    assert client.get(f"/ippay/admin/pay-invoice?item_id={foreign_invoice.id}").status_code == 404
    assert client.get(f"/ippay/admin/customer?customer_id={foreign.id}").status_code == 404
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "77.00" not in dashboard and "11.00" in dashboard
    assert client.get("/refill-cards/admin/customers.json?q=Customer").get_json() == [
        {"id": own.id, "name": "Own Customer", "login": own.login, "partner": mine.name}]


def test_a_manager_generates_refill_series_only_for_their_partners(full_app, factory, make_admin):
    mine, other = factory.partner(), factory.partner()
    client = login_as(full_app, make_admin("manager", [mine]))
    form = {"quantity": "2", "prefix": "P", "price": "5.00", "valid_till": "2999-01-01"}
    assert client.post("/refill-cards/admin/generate", data={**form, "partner_id": str(other.id)}).status_code == 422
    assert client.post("/refill-cards/admin/generate", data={**form, "partner_id": ""}).status_code == 422
    assert client.post("/refill-cards/admin/generate", data={**form, "partner_id": str(mine.id)}).status_code == 302


def test_a_manager_sees_only_their_partners_proformas_and_refill_series(full_app, host, factory, make_admin):
    mine, other = factory.partner(), factory.partner()
    own, foreign = factory.customer(partner=mine), factory.customer(partner=other)
    own_proforma, foreign_proforma = factory.proforma(own, "12.00"), factory.proforma(foreign, "78.00")
    admin = login_as(full_app, make_admin("admin"))
    form = {"quantity": "1", "price": "5.00", "valid_till": "2999-01-01"}
    for partner, prefix in ((mine, "MINE"), (other, "THEIRS")):
        assert admin.post("/refill-cards/admin/generate", data={**form, "prefix": prefix,
                                                                "partner_id": str(partner.id)}).status_code == 302
    manager = login_as(full_app, make_admin("manager", [mine]))
    proformas = manager.get("/admin/finance/proforma-invoices").get_data(as_text=True)
    assert own_proforma.number in proformas and foreign_proforma.number not in proformas
    series = manager.get("/refill-cards/admin/series").get_data(as_text=True)
    assert "MINE" in series and "THEIRS" not in series
    ids = dict(host.db.session.execute(select(Series.prefix, Series.id)).all())
    report = manager.get("/refill-cards/admin/report").get_data(as_text=True)
    assert f'data-series="{ids["MINE"]}"' in report and f'data-series="{ids["THEIRS"]}"' not in report
    assert manager.get(f"/refill-cards/admin/series/{ids['THEIRS']}").status_code == 404
    assert manager.get(f"/refill-cards/admin/series/{ids['THEIRS']}/export").status_code == 404
