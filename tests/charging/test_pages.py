"""The Charge dialog's pages through the Flask test client: form, preview, charge, history, auto filters."""

import csv
import io
from datetime import date

from sqlalchemy import select

from hostapp.models import AutoChargeFilter, ChargeBatch, Invoice
from tests.charging.conftest import wait_finished
from tests.plugins import fakepay

DAY = date.today().isoformat()


def form(**changes) -> dict:
    return {"period_from": DAY, "period_to": DAY, "status": "unpaid", "handler": "fakepay",
            "param_descriptor": "NOV", "action": "preview", **changes}


def test_invoice_lists_offer_charge_and_ticked_rows(charging, admin_client, factory):
    invoice = factory.invoice(factory.customer(), "10.00")
    page = admin_client.get(f"/admin/finance/invoices?from={DAY}&to={DAY}").get_data(as_text=True)
    assert f'/admin/finance/charge?kind=invoice&amp;period_from={DAY}&amp;period_to={DAY}' in page
    assert f'name="ids" value="{invoice.id}"' in page and 'data-modal-checked="ids"' in page
    assert "/admin/finance/charge?kind=proforma" in admin_client.get("/admin/finance/proforma-invoices").get_data(
        as_text=True)


def test_dialog_takes_the_page_period_and_lists_handlers_with_parameters(charging, admin_client):
    page = admin_client.get("/admin/finance/charge?kind=invoice&period_from=2026-11-01&period_to=2026-11-30") \
        .get_data(as_text=True)
    assert 'value="2026-11-01" readonly' in page and 'value="2026-11-30" readonly' in page
    assert '<option value="fakepay" selected>Fake pay (fakepay)</option>' in page
    assert 'name="param_descriptor" value="ISP invoice"' in page
    assert '<option value="unpaid" selected>Unpaid (incl. partially paid)</option>' in page
    assert '<option value="nothing_paid" >Unpaid, nothing paid yet</option>' in page


def test_without_a_charging_add_on_the_dialog_says_so(host, admin_client):
    page = admin_client.get("/admin/finance/charge").get_data(as_text=True)
    assert "No enabled add-on can charge invoices" in page


def test_preview_counts_without_charging_and_bad_input_is_named(charging, admin_client, card_customer, factory):
    factory.invoice(card_customer(), "10.00")
    factory.invoice(card_customer(), "32.50")
    page = admin_client.post("/admin/finance/charge?kind=invoice", data=form()).get_data(as_text=True)
    assert 'data-preview="count">2<' in page and "42.50 $" in page
    assert fakepay.GATEWAY.charges == {}
    page = admin_client.post("/admin/finance/charge?kind=invoice",
                             data=form(customer_ids="7, x", handler="nope")).get_data(as_text=True)
    assert "Not a number: x" in page and "is not an enabled add-on" in page


def test_charge_ticked_rows_then_history_log_and_delete(charging, admin_client, card_customer, factory, host):
    ticked = [factory.invoice(card_customer(), "10.00"), factory.invoice(card_customer(token="tok-decline"), "20.00")]
    untouched = factory.invoice(card_customer(), "30.00")
    ids = ",".join(str(i.id) for i in ticked)
    assert f'name="document_ids" value="{ids}"' in admin_client.get(
        f"/admin/finance/charge?kind=invoice&ids={ids}").get_data(as_text=True)
    response = admin_client.post("/admin/finance/charge?kind=invoice",
                                 data={"document_ids": ids, "status": "unpaid", "handler": "fakepay",
                                       "param_descriptor": "TICKED", "action": "charge"})
    assert response.status_code == 302
    with host.db.reading() as s:
        batch_id = s.execute(select(ChargeBatch.id)).scalar_one()
    assert response.headers["Location"].endswith(f"/admin/finance/charge/batches/{batch_id}?kind=invoice")
    wait_finished(charging, batch_id)

    progress = admin_client.get(f"/admin/finance/charge/batches/{batch_id}.json").get_json()
    assert (progress["status"], progress["progress"], progress["approved"], progress["declined"]) == (
        "succeeded", 100, 1, 1)
    page = admin_client.get(f"/admin/finance/charge/batches/{batch_id}").get_data(as_text=True)
    assert "Card declined (005)" in page and "Pay by Fakepay" in page and "descriptor: TICKED" in page
    failed_only = admin_client.get(f"/admin/finance/charge/batches/{batch_id}?only=failed").get_data(as_text=True)
    assert ticked[1].number in failed_only and ticked[0].number not in failed_only

    download = admin_client.get(f"/admin/finance/charge/batches/{batch_id}.csv")
    assert download.mimetype == "text/csv" and "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert {(r["Invoice number"], r["Result"]) for r in rows} == {(ticked[0].number, "approved"),
                                                                  (ticked[1].number, "declined")}

    history = admin_client.get("/admin/finance/charge/history?kind=invoice").get_data(as_text=True)
    assert f'data-batch="{batch_id}"' in history and "1 approved · 1 declined" in history and "manual" in history
    with host.db.reading() as s:
        assert s.get(Invoice, untouched.id).status == "not_paid"

    assert admin_client.post(f"/admin/finance/charge/batches/{batch_id}/delete").status_code == 302
    assert admin_client.get(f"/admin/finance/charge/batches/{batch_id}").status_code == 404


def test_charge_again_skips_what_was_paid(charging, admin_client, card_customer, factory, host):
    factory.invoice(card_customer(), "10.00")
    admin_client.post("/admin/finance/charge?kind=invoice", data=form(action="charge"))
    with host.db.reading() as s:
        first = s.execute(select(ChargeBatch.id)).scalar_one()
    wait_finished(charging, first)
    response = admin_client.post(f"/admin/finance/charge/batches/{first}/rerun")
    assert response.status_code == 302 and f"/batches/{first}" in response.headers["Location"]
    assert "No invoices match these filters." in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(fakepay.GATEWAY.charges) == 1


def test_auto_charge_filters_are_added_edited_and_deleted(charging, admin_client, host):
    bad = admin_client.post("/admin/finance/charge/auto/new?kind=invoice",
                            data={"schedule": "days_after_issue", "days_after_issue": "", "status": "unpaid",
                                  "handler": "fakepay", "enabled": "1"}).get_data(as_text=True)
    assert "Enter a number of days from 1 to 365." in bad
    saved = admin_client.post("/admin/finance/charge/auto/new?kind=invoice",
                              data={"title": "Cards after a week", "schedule": "days_after_issue",
                                    "days_after_issue": "7", "status": "overdue", "partner_ids": [],
                                    "customer_ids": "4,5", "handler": "fakepay", "param_descriptor": "WEEK",
                                    "enabled": ["0", "1"]})
    assert saved.status_code == 302
    with host.db.reading() as s:
        rule = s.execute(select(AutoChargeFilter)).scalar_one()
    assert (rule.schedule_label, rule.enabled, rule.params) == ("+7 days after issue", True, {"descriptor": "WEEK"})
    assert rule.filters == {"target_kind": "invoice", "status": "overdue", "customer_ids": [4, 5]}
    listing = admin_client.get("/admin/finance/charge/auto?kind=invoice").get_data(as_text=True)
    assert "Cards after a week" in listing and "+7 days after issue" in listing and "customers 4, 5" in listing
    edit = admin_client.get(f"/admin/finance/charge/auto/{rule.id}").get_data(as_text=True)
    assert 'value="4, 5"' in edit and 'name="param_descriptor" value="WEEK"' in edit
    admin_client.post(f"/admin/finance/charge/auto/{rule.id}",
                      data={"title": "Off", "schedule": "on_due_date", "status": "unpaid", "handler": "fakepay",
                            "enabled": "0"})
    with host.db.reading() as s:
        assert (s.get(AutoChargeFilter, rule.id).enabled, s.get(AutoChargeFilter, rule.id).schedule) == (
            False, "on_due_date")
    admin_client.post(f"/admin/finance/charge/auto/{rule.id}/delete")
    with host.db.reading() as s:
        assert s.get(AutoChargeFilter, rule.id) is None
