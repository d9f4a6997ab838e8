"""Auto charge filters: the day each schedule stands for, one run per filter and day, auto batches."""

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hostapp.models import AutoChargeFilter, ChargeBatch, Invoice
from hostapp.services.charging.auto import day_filters, run_scheduled
from tests.charging.conftest import wait_finished
from tests.plugins import fakepay

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize("schedule, days, issued_on, due_on", [
    ("day_of_issue", 0, TODAY, None),
    ("day_after_issue", 0, TODAY - timedelta(days=1), None),
    ("days_after_issue", 5, TODAY - timedelta(days=5), None),
    ("day_before_due", 0, None, TODAY + timedelta(days=1)),
    ("on_due_date", 0, None, TODAY),
])
def test_each_schedule_selects_its_day(schedule, days, issued_on, due_on):
    rule = AutoChargeFilter(schedule=schedule, days_after_issue=days, handler="fakepay", target_kind="invoice",
                            filters={"period_from": "2026-01-01", "partner_ids": [3], "status": "overdue"})
    filters = day_filters(rule, TODAY)
    assert (filters.issued_on, filters.due_on) == (issued_on, due_on)
    assert filters.period_from is None and filters.partner_ids == (3,) and filters.status == "overdue"


def add_rule(host, **fields) -> int:
    with host.db.transaction() as s:
        rule = AutoChargeFilter(handler="fakepay", params={"descriptor": "AUTO"}, **fields)
        s.add(rule)
        s.flush()
        return rule.id


def test_run_scheduled_charges_each_enabled_filter_once_a_day(charging, card_customer, factory, host):
    due_today = factory.invoice(card_customer(), "10.00", days_ago=14)  # due 14 days after issue
    issued_today = factory.invoice(card_customer(), "20.00")
    on_due = add_rule(host, title="On due date", schedule="on_due_date", filters={"status": "unpaid"})
    add_rule(host, title="Disabled", schedule="day_of_issue", enabled=False)
    nothing = add_rule(host, title="Yesterday's", schedule="day_after_issue")

    runs = run_scheduled(charging, date.today())
    assert [(r.filter_id, r.note) for r in runs] == [(on_due, "started"), (nothing, "nothing to charge")]
    summary = wait_finished(charging, runs[0].batch_id)
    assert summary.approved == 1
    with host.db.reading() as s:
        batch = s.get(ChargeBatch, runs[0].batch_id)
        assert (batch.source, batch.auto_filter_id, batch.run_date, batch.params) == (
            "auto", on_due, date.today(), {"descriptor": "AUTO"})
        assert s.get(AutoChargeFilter, on_due).last_run_on == date.today()
        assert s.get(Invoice, due_today.id).status == "paid" and s.get(Invoice, issued_today.id).status == "not_paid"

    again = run_scheduled(charging, date.today())
    assert [(r.filter_id, r.note) for r in again][0] == (on_due, f"already ran for {date.today()}")
    with host.db.reading() as s:
        assert len(s.execute(select(ChargeBatch.id)).all()) == 1
    keys = Counter(fakepay.GATEWAY.charges)
    assert len(keys) == 1


def test_a_filter_whose_handler_is_gone_is_reported_not_run(charging, card_customer, factory, host):
    factory.invoice(card_customer(), "10.00")
    rule_id = add_rule(host, schedule="day_of_issue")
    host.registry.set_enabled("fakepay", False, "test")
    [run] = run_scheduled(charging, date.today())
    assert run.filter_id == rule_id and run.batch_id is None and run.note.startswith("not run:")
