"""Admin and portal pages through the Flask test client: menus, forms, exports, enable/disable."""

import os
import re
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from refill_helpers import balance_of, expire_card, pdf_text
from sqlalchemy import select

from hostapp.models import Payment
from hostapp.services.jobs import job_status
from splynx_refill_cards.models import Card, Export, Series
from splynx_testing.fixtures import portal_login

NEXT_YEAR = (date.today() + timedelta(days=365)).isoformat()


@pytest.fixture
def admin(refill_app, factory):
    factory.admin(login="root", password="root-password")
    client = refill_app.test_client()
    client.post("/admin/login", data={"login": "root", "password": "root-password"})
    return client


def card_id(db, full_code: str) -> int:
    with db.transaction() as session:
        return session.execute(select(Card.id).where(Card.full_code == full_code)).scalar_one()


def wait_job(db, job_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = job_status(db, job_id)
        if status["status"] in ("succeeded", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_admin_menu_links_open_the_pages_in_place_from_a_submenu(admin):
    html = admin.get("/admin/").get_data(as_text=True)
    submenu = re.search(r'<li class="nav-group submenu">(.*?)</ul>', html, re.S).group(1)
    assert re.search(r'<span class="label">Refill cards</span>', submenu)
    for label, url in (("Series", "/refill-cards/admin/series"), ("Generate", "/refill-cards/admin/generate"),
                       ("Statistics", "/refill-cards/admin/report")):
        assert re.search(rf'href="{url}">.*{label}</a>', submenu), label


def test_disabled_module_hides_menu_and_pages(refill, admin):
    refill.registry.set_enabled("refill_cards", False, "test")
    assert "/refill-cards/admin/series" not in admin.get("/admin/").get_data(as_text=True)
    assert admin.get("/refill-cards/admin/series").status_code == 404
    refill.registry.set_enabled("refill_cards", True, "test")
    assert admin.get("/refill-cards/admin/series").status_code == 200


def test_pages_need_the_right_login(refill_app, factory):
    anonymous = refill_app.test_client()
    assert anonymous.get("/refill-cards/admin/series").status_code == 302
    customer_client = portal_login(refill_app, factory.customer())
    response = customer_client.get("/refill-cards/admin/series")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_generate_form_creates_a_series_and_pops_up_its_cards(refill, admin, factory):
    partner = factory.partner("North")
    response = admin.post("/refill-cards/admin/generate", data={
        "quantity": "30", "prefix": "NORTH", "price": "7.50", "partner_id": str(partner.id), "valid_till": NEXT_YEAR})
    assert response.status_code == 302
    series_id = date.today().year * 100 + 1
    assert response.headers["Location"] == f"/refill-cards/admin/series?new={series_id}"
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Series {series_id} generated: 30 cards of 7.50 each." in page
    # the series list, with the new series' cards opening in a window over it
    opening = re.search(r'<a [^>]*data-modal-open[^>]*>', page).group(0)
    assert f'data-modal-url="/refill-cards/admin/series/{series_id}"' in opening
    assert f'data-modal-title="Refill cards of series {series_id}"' in opening
    window = admin.get(f"/refill-cards/admin/series/{series_id}", headers={"X-Splynx-Modal": "1"}).get_data(as_text=True)
    assert '<body class="bare">' in window and 'class="sidebar"' not in window
    assert window.count(f"<td class=\"mono\">{series_id}-NORTH-") == 25  # the first page of 25 rows
    whole_page = admin.get(f"/refill-cards/admin/series/{series_id}").get_data(as_text=True)  # without JavaScript
    assert 'class="sidebar"' in whole_page and whole_page.count(f"<td class=\"mono\">{series_id}-NORTH-") == 25
    listing = admin.get("/refill-cards/admin/series?q=north").get_data(as_text=True)
    assert f'data-series="{series_id}"' in listing and "North" in listing and "data-modal-open" not in listing


def test_edit_series_is_a_window_and_still_a_page(refill, admin, make_series):
    series_id, _ = make_series(2)
    listing = admin.get("/refill-cards/admin/series").get_data(as_text=True)
    edit_link = re.search(rf'<a [^>]*aria-label="Edit series {series_id}"[^>]*>', listing).group(0)
    assert f'data-modal-url="/refill-cards/admin/series/{series_id}/edit"' in edit_link
    window = admin.get(f"/refill-cards/admin/series/{series_id}/edit", headers={"X-Splynx-Modal": "1"})
    html = window.get_data(as_text=True)
    assert '<body class="bare">' in html and "data-modal-close>Cancel</button>" in html
    refused = admin.post(f"/refill-cards/admin/series/{series_id}/edit", headers={"X-Splynx-Modal": "1"},
                         data={"price": "0", "partner_id": "", "valid_till": NEXT_YEAR})
    assert refused.status_code == 422 and '<body class="bare">' in refused.get_data(as_text=True)
    page = admin.get(f"/refill-cards/admin/series/{series_id}/edit").get_data(as_text=True)
    assert 'class="sidebar"' in page and 'href="/refill-cards/admin/series">Cancel</a>' in page
    saved = admin.post(f"/refill-cards/admin/series/{series_id}/edit",
                       data={"price": "15", "partner_id": "", "valid_till": NEXT_YEAR}, follow_redirects=True)
    assert f"Series {series_id} saved" in saved.get_data(as_text=True)


def test_the_generate_form_locks_a_partner_series_unless_unticked(refill, admin, factory):
    partner = factory.partner("North")
    form = {"quantity": "1", "prefix": "P", "price": "5.00", "partner_id": str(partner.id), "valid_till": NEXT_YEAR}
    assert 'name="lock_partner" value="1" checked' in admin.get("/refill-cards/admin/generate").get_data(as_text=True)
    assert admin.post("/refill-cards/admin/generate", data={**form, "lock_partner": ["0", "1"]}).status_code == 302
    assert admin.post("/refill-cards/admin/generate", data={**form, "lock_partner": "0"}).status_code == 302
    with refill.db.transaction() as session:
        locks = session.execute(select(Series.locked_to_partner).order_by(Series.id)).scalars().all()
    assert locks == [True, False]


def test_generate_form_shows_errors_and_keeps_the_input(refill, admin):
    response = admin.post("/refill-cards/admin/generate", data={
        "quantity": "abc", "prefix": "OK", "price": "-3", "partner_id": "", "valid_till": NEXT_YEAR})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "whole number of cards" in html and "price greater than 0" in html and 'value="OK"' in html
    with refill.db.transaction() as session:
        assert session.execute(select(Series)).first() is None


def test_admin_edits_and_deletes_cards_but_not_used_ones(refill, admin, make_series, factory):
    series_id, (used, other) = make_series(2)
    customer = factory.customer(name="Ada Lovelace")
    first, second = card_id(refill.db, used), card_id(refill.db, other)
    assert admin.get(f"/refill-cards/admin/cards/{first}/redeem?q=Ad").get_data(as_text=True).count('name="customer_id"') == 0
    modal = admin.get(f"/refill-cards/admin/cards/{first}/redeem?q=lovel").get_data(as_text=True)
    assert "Ada Lovelace" in modal
    done = admin.post(f"/refill-cards/admin/cards/{first}/redeem", data={"customer_id": str(customer.id)})
    assert "Card redeemed: 10.00 $ was added to the balance of Ada Lovelace" in done.get_data(as_text=True)
    refused = admin.post(f"/refill-cards/admin/cards/{first}/delete", follow_redirects=True).get_data(as_text=True)
    assert "is used and cannot be deleted" in refused
    edited = admin.post(f"/refill-cards/admin/cards/{second}/edit", data={"price": "11", "valid_till": NEXT_YEAR,
                                                                  "status": "disabled"}, follow_redirects=True)
    assert "saved" in edited.get_data(as_text=True)
    with refill.db.transaction() as session:
        card = session.get(Card, second)
        assert (card.price, card.status) == (Decimal("11.00"), "disabled")
    admin.post(f"/refill-cards/admin/cards/{second}/delete")
    with refill.db.transaction() as session:
        assert session.get(Card, second) is None and session.get(Card, first).status == "used"
    page = admin.get(f"/refill-cards/admin/series/{series_id}?status=used").get_data(as_text=True)
    assert "Ada Lovelace" in page and used in page
    found = admin.get(f"/refill-cards/admin/series/{series_id}?q={used[-8:].swapcase()}").get_data(as_text=True)
    assert f'<td class="mono">{used}</td>' in found and "Showing 1 to 1 of 1 entries" in found
    deleted = admin.post(f"/refill-cards/admin/series/{series_id}/delete", follow_redirects=True)
    assert "1 used card" in deleted.get_data(as_text=True)


def test_export_csv_and_pdf_through_the_job(refill, admin, make_series, factory):
    """The documents: cards are exported "for further printing out and sale", so an export holds the
    series' active cards: used, disabled and expired ones are left out."""
    series_id, codes = make_series(33, price="12.00")
    used, disabled, expired = codes[:3]
    admin.post(f"/refill-cards/admin/cards/{card_id(refill.db, used)}/redeem",
               data={"customer_id": str(factory.customer().id)})
    admin.post(f"/refill-cards/admin/cards/{card_id(refill.db, disabled)}/edit",
               data={"price": "12.00", "valid_till": NEXT_YEAR, "status": "disabled"})
    expire_card(refill.db, expired)
    generated = codes[3:]
    window = admin.get(f"/refill-cards/admin/series/{series_id}/export").get_data(as_text=True)
    assert "The export holds the 30 active cards of the series" in window
    for fmt in ("csv", "pdf"):
        response = admin.post(f"/refill-cards/admin/series/{series_id}/export", data={"format": fmt})
        assert response.status_code == 302
        with refill.db.transaction() as session:
            export = session.execute(select(Export).order_by(Export.id.desc())).scalars().first()
        assert wait_job(refill.db, export.job_id)["status"] == "succeeded"
        download = admin.get(f"/refill-cards/admin/exports/{export.id}/download")
        assert download.status_code == 200
        if fmt == "csv":
            lines = download.get_data(as_text=True).splitlines()
            assert lines[0] == "ID,Series,Full code,Price,Valid until,Status,Customer ID,Activated at"
            assert len(lines) == 31 and all(code in download.get_data(as_text=True) for code in generated)
            assert {line.split(",")[5] for line in lines[1:]} == {"active"}
            assert not any(code in download.get_data(as_text=True) for code in (used, disabled, expired))
        else:
            assert download.mimetype == "application/pdf"
            text = pdf_text(download.data, "-layout")
            assert all(code in text for code in generated) and "Price: 12.00 $" in text
            assert not any(code in text for code in (used, disabled, expired))
            assert text.count("Serie: ") == 30
        assert export.cards == 30
    listing = admin.get("/refill-cards/admin/series").get_data(as_text=True)
    assert f"/refill-cards/admin/exports/{export.id}/download" in listing
    assert admin.post(f"/refill-cards/admin/series/{series_id}/export", data={"format": "xls"}).status_code == 422
    sold_out, (only,) = make_series(1)
    admin.post(f"/refill-cards/admin/cards/{card_id(refill.db, only)}/redeem",
               data={"customer_id": str(factory.customer().id)})
    refused = admin.post(f"/refill-cards/admin/series/{sold_out}/export", data={"format": "pdf"})
    assert refused.status_code == 422
    assert f"Series {sold_out} has no active cards left to export." in refused.get_data(as_text=True), refused.get_data(as_text=True)


def test_report_totals_per_series(refill, admin, make_series, factory):
    first, (a, b, c) = make_series(3, price="5.00")
    second, _ = make_series(2, price="20.00")
    admin.post(f"/refill-cards/admin/cards/{card_id(refill.db, a)}/redeem",
               data={"customer_id": str(factory.customer().id)})
    html = admin.get("/refill-cards/admin/report").get_data(as_text=True)
    row = re.search(rf'data-series="{first}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells[:6] == ["5.00 $", "3", "1", "2", "0", "0"] and cells[6] == "5.00 $"
    assert f'data-series="{second}"' in html


def test_portal_link_and_page_follow_the_partner_setting(refill, refill_app, make_series, factory,
                                                        set_portal_methods):
    shown, hidden = factory.partner(), factory.partner()
    customer = factory.customer(partner=shown)
    set_portal_methods(["refill_card"], partner_id=shown.id)
    client = portal_login(refill_app, customer)
    assert 'href="/refill-cards/portal/redeem"' in client.get("/portal/").get_data(as_text=True)
    other = portal_login(refill_app, factory.customer(partner=hidden))
    assert 'href="/refill-cards/portal/redeem"' not in other.get("/portal/").get_data(as_text=True)
    assert other.get("/refill-cards/portal/redeem").status_code == 404

    _, (code, *_) = make_series(1, price="9.99")
    bad = client.post("/refill-cards/portal/redeem", data={"code": "202601-X-WRONG123"})
    assert bad.status_code == 422 and "No refill card has this code" in bad.get_data(as_text=True)
    good = client.post("/refill-cards/portal/redeem", data={"code": code}, follow_redirects=True)
    assert f"Refill card {code} redeemed: 9.99 $ was added to your account balance." in good.get_data(as_text=True)
    assert balance_of(refill.db, customer.id) == Decimal("9.99")
    payments = client.get("/portal/finance/payments").get_data(as_text=True)
    assert "Refill card" in payments and f"Refill card {code}" in payments
    with refill.db.transaction() as session:
        assert session.execute(select(Payment.customer_id)).scalar_one() == customer.id


def test_portal_lockout_message(refill, refill_app, factory, set_setting, set_portal_methods):
    customer = factory.customer()
    set_setting(max_failures=2)
    set_portal_methods(["refill_card"])
    client = portal_login(refill_app, customer)
    first = client.post("/refill-cards/portal/redeem", data={"code": "202601-X-WRONG001"})
    assert first.status_code == 422 and "No refill card has this code" in first.get_data(as_text=True)
    locked = client.post("/refill-cards/portal/redeem", data={"code": "202601-X-WRONG002"})
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "1800"
    assert "Too many attempts. Try again in 30 minutes." in locked.get_data(as_text=True)


def test_double_submits_of_a_valid_code_are_not_counted_as_wrong_codes(refill, refill_app, make_series, factory,
                                                                       set_setting, set_portal_methods):
    customer = factory.customer()
    set_portal_methods(["refill_card"])
    set_setting(max_failures=2)
    _, (code, *_) = make_series(1, price="10.00")
    browser = portal_login(refill_app, customer)
    clients = [refill_app.test_client() for _ in range(6)]  # tabs of one browser: one session cookie
    for client in clients:
        client.set_cookie("session", browser.get_cookie("session").value)
    barrier = threading.Barrier(len(clients))
    answers: list[str] = []

    def submit(client):
        barrier.wait()
        answers.append(client.post("/refill-cards/portal/redeem", data={"code": code},
                                   follow_redirects=True).get_data(as_text=True))

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    again = [clients[0].post("/refill-cards/portal/redeem", data={"code": code}) for _ in range(3)]  # resent later
    assert sum("was added to your account balance" in a for a in answers) == 1
    assert all(a.status_code == 422 and "already redeemed for your account" in a.get_data(as_text=True)
               for a in again)
    assert balance_of(refill.db, customer.id) == Decimal("10.00")
    wrong = clients[0].post("/refill-cards/portal/redeem", data={"code": "202601-X-WRONG001"})
    assert "No refill card has this code" in wrong.get_data(as_text=True)  # one wrong code of two: not locked out


def test_the_host_loads_the_add_on_without_its_series_export_and_report_code(tmp_path):
    modules = ("splynx_refill_cards.series", "splynx_refill_cards.cards", "splynx_refill_cards.export",
               "splynx_refill_cards.report")
    code = ("import sys; from hostapp.app import create_app; app = create_app(); "
            "assert 'refill_cards' in app.blueprints; "
            f"print(sorted(m for m in {modules!r} if m in sys.modules))")
    env = {**os.environ, "SPLYNX_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
