"""Charging and the audit log for an administrator limited to partners.

No shipped role limited to partners may charge or read the audit log today; the tests give
one those permissions (a role made here, the way a custom role would be) and check that the
Preview, new batches, the charge history, a batch's page, JSON, CSV and actions, the audit
log, and the auto charge filters cover that administrator's partners only.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from hostapp.models import Admin, AuditEntry, AutoChargeFilter, ChargeBatch, ChargeBatchItem, Invoice, Partner
from hostapp.services.audit import record
from hostapp.web import roles
from hostapp.web.auth import hash_password
from tests.charging.conftest import request, today_filters, wait_finished

DAY = date.today().isoformat()
PASSWORD = "partner-charger-password"


@pytest.fixture
def partner_charger(monkeypatch, host, app):
    """``partner_charger(*partners)``: a test client of an administrator limited to ``partners`` who may
    charge and read the audit log (a Manager's permissions plus ``finance.charge`` and ``administration.view``)."""
    manager = roles.ROLES["manager"]
    role = roles.Role("partner_charger", "Charging manager",
                      manager.permissions | {"finance.charge", "administration.view"}, limited_to_partners=True)
    monkeypatch.setitem(roles.ROLES, role.key, role)

    def login(*partners: Partner):
        name = "charger-" + "-".join(str(p.id) for p in partners)
        with host.db.transaction() as session:
            chosen = session.execute(select(Partner).where(Partner.id.in_([p.id for p in partners]))).scalars().all()
            session.add(Admin(login=name, name="Charger", role=role.key, password_hash=hash_password(PASSWORD),
                              partners=list(chosen)))
        client = app.test_client()
        assert client.post("/admin/login", data={"login": name, "password": PASSWORD}).status_code == 302
        return client

    return login


def form(**changes) -> dict:
    return {"period_from": DAY, "period_to": DAY, "status": "unpaid", "handler": "fakepay",
            "param_descriptor": "SCOPE", "action": "preview", **changes}


@pytest.fixture
def two_partners(factory, card_customer):
    """Two partners, each with customers with saved cards and unpaid invoices of today."""
    mine, other = factory.partner("Own Partner"), factory.partner("Foreign Partner")
    own = [factory.invoice(card_customer(partner=mine), total) for total in ("10.00", "15.50")]
    foreign = [factory.invoice(card_customer(partner=other), total) for total in ("700.00", "80.25")]
    return mine, other, own, foreign


def test_preview_and_a_new_batch_cover_only_the_admins_partners(charging, host, two_partners, partner_charger):
    mine, other, own, foreign = two_partners
    client = partner_charger(mine)
    dialog = client.get("/admin/finance/charge?kind=invoice").get_data(as_text=True)
    assert ">Own Partner</option>" in dialog and ">Foreign Partner</option>" not in dialog
    page = client.post("/admin/finance/charge?kind=invoice", data=form()).get_data(as_text=True)
    assert 'data-preview="count">2<' in page and 'data-preview="due">25.50 $<' in page
    assert foreign[0].number not in page and foreign[1].number not in page
    # naming the other partner, or only its customers or invoices, selects nothing of theirs
    for trick in ({"partner_ids": str(other.id)}, {"customer_ids": str(foreign[0].customer_id)},
                  {"document_ids": ",".join(str(i.id) for i in foreign)}):
        page = client.post("/admin/finance/charge?kind=invoice", data=form(**trick)).get_data(as_text=True)
        assert 'data-preview="count">0<' in page, trick
        refused = client.post("/admin/finance/charge?kind=invoice", data=form(action="charge", **trick))
        assert refused.status_code == 200 and "No invoices match these filters." in refused.get_data(as_text=True)

    response = client.post("/admin/finance/charge?kind=invoice", data=form(action="charge"))
    assert response.status_code == 302
    with host.db.reading() as session:
        batch_id = session.execute(select(ChargeBatch.id)).scalar_one()
        charged = set(session.execute(select(ChargeBatchItem.target_id)).scalars())
    assert charged == {i.id for i in own}
    wait_finished(charging, batch_id)
    with host.db.reading() as session:
        statuses = dict(session.execute(select(Invoice.id, Invoice.status)).all())
    assert [statuses[i.id] for i in own] == ["paid", "paid"]
    assert [statuses[i.id] for i in foreign] == ["not_paid", "not_paid"]


def test_history_batch_page_json_csv_and_actions_show_only_the_admins_partners(
        charging, host, two_partners, partner_charger):
    mine, other, own, foreign = two_partners
    # an unlimited administrator's batch over both partners and one over the other partner, both
    # selected before either runs (a running batch takes its invoices out of the next selection)
    mixed = charging.create(request())
    theirs = charging.create(request(today_filters(partner_ids=(other.id,))))
    for batch_id in (mixed, theirs):
        charging.start(batch_id)
    for batch_id in (mixed, theirs):
        wait_finished(charging, batch_id)
    client = partner_charger(mine)

    history = client.get("/admin/finance/charge/history?kind=invoice").get_data(as_text=True)
    assert f'data-batch="{mixed}"' in history and f'data-batch="{theirs}"' not in history
    assert "2 approved · 0 declined of 2" in history
    for path in ("", ".json", ".csv"):
        assert client.get(f"/admin/finance/charge/batches/{theirs}{path}").status_code == 404

    page = client.get(f"/admin/finance/charge/batches/{mixed}").get_data(as_text=True)
    assert all(i.number in page for i in own) and not any(i.number in page for i in foreign)
    assert "2 · 25.50 $ · 25.50 $" in page and "700.00" not in page
    progress = client.get(f"/admin/finance/charge/batches/{mixed}.json").get_json()
    assert (progress["items"], progress["approved"], progress["charged_sum"]) == (2, 2, "25.50")
    rows = list(csv.DictReader(io.StringIO(client.get(f"/admin/finance/charge/batches/{mixed}.csv")
                                           .get_data(as_text=True))))
    assert sorted(r["Invoice number"] for r in rows) == sorted(i.number for i in own)

    # a batch that also charged another partner's customers is not theirs to delete or resume
    assert ">Delete</button>" not in page and "action-delete" not in history and "/delete" not in history
    for action in ("delete", "resume", "cancel"):
        assert client.post(f"/admin/finance/charge/batches/{mixed}/{action}").status_code == 404
    with host.db.reading() as session:
        assert session.get(ChargeBatch, mixed) is not None


def test_audit_log_shows_a_partner_limited_admin_only_their_partners_entries(
        charging, host, admin_client, two_partners, partner_charger):
    mine, other, own, foreign = two_partners
    own_batch = charging.charge(request(today_filters(partner_ids=(mine.id,))))
    mixed_batch = charging.charge(request())
    for batch_id in (own_batch, mixed_batch):
        wait_finished(charging, batch_id)
    with host.db.transaction() as session:
        record(session, "admin:root", "customer.update", "own customer", partner_id=mine.id)
        record(session, "admin:root", "customer.update", "foreign customer", partner_id=other.id)
        record(session, "admin:root", "addon.enabled", "fakepay")
    client = partner_charger(mine)
    log = client.get("/admin/administration/logs/audit").get_data(as_text=True)
    assert f"charge_batch:{own_batch}" in log and "own customer" in log
    assert f"charge_batch:{mixed_batch}" not in log and "foreign customer" not in log
    assert "addon.enabled" not in log and "login.success" not in log

    full = admin_client.get("/admin/administration/logs/audit").get_data(as_text=True)
    assert all(text in full for text in (f"charge_batch:{own_batch}", f"charge_batch:{mixed_batch}",
                                         "own customer", "foreign customer", "addon.enabled", "login.success"))
    with host.db.reading() as session:
        partners = dict(session.execute(select(AuditEntry.target, AuditEntry.partner_id).where(
            AuditEntry.action == "charge.batch_created")).all())
    assert partners == {f"charge_batch:{own_batch}": mine.id, f"charge_batch:{mixed_batch}": None}


def test_auto_charge_filters_of_a_partner_limited_admin_name_only_their_partners(
        charging, host, admin_client, two_partners, partner_charger):
    mine, other, own, foreign = two_partners
    rule = {"title": "Every partner", "schedule": "on_due_date", "status": "unpaid", "handler": "fakepay",
            "enabled": "1"}
    assert admin_client.post("/admin/finance/charge/auto/new?kind=invoice", data=rule).status_code == 302
    client = partner_charger(mine)
    # the scheduler acts for every partner: a filter without partners, or with another's, is refused
    for partner_ids in ([], [str(other.id)], [str(mine.id), str(other.id)]):
        refused = client.post("/admin/finance/charge/auto/new?kind=invoice",
                              data={**rule, "title": "Mine", "partner_ids": partner_ids})
        assert refused.status_code == 200, (partner_ids, refused.headers.get("Location"))
        assert "Choose one or more of your partners" in refused.get_data(as_text=True), partner_ids
    saved = client.post("/admin/finance/charge/auto/new?kind=invoice",
                        data={**rule, "title": "Mine only", "partner_ids": [str(mine.id)]})
    assert saved.status_code == 302
    with host.db.reading() as session:
        ids = dict(session.execute(select(AutoChargeFilter.title, AutoChargeFilter.id)).all())
    listing = client.get("/admin/finance/charge/auto?kind=invoice").get_data(as_text=True)
    assert "Mine only" in listing and "Every partner" not in listing
    assert client.get(f"/admin/finance/charge/auto/{ids['Every partner']}").status_code == 404
    assert client.post(f"/admin/finance/charge/auto/{ids['Every partner']}/delete").status_code == 404
    assert client.get(f"/admin/finance/charge/auto/{ids['Mine only']}").status_code == 200
    with host.db.reading() as session:
        assert session.get(AutoChargeFilter, ids["Every partner"]) is not None
