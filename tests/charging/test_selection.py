"""Which invoices a Charge selects (every filter of the dialog) and what Preview counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from hostapp.models import Invoice, PaymentMethod
from hostapp.services.charging import ChargeFilters, FilterError
from hostapp.services.charging.filters import preview
from tests.charging.conftest import save_card, today_filters


def selected(host, filters: ChargeFilters) -> list[str]:
    with host.db.reading() as session:
        return sorted(row.number for row in session.execute(filters.select_documents()))


def test_every_filter_narrows_the_selection(charging, factory, host):
    north, south = factory.partner("North"), factory.partner("South")
    hill, lake = factory.location("Hill"), factory.location("Lake")
    with host.db.reading() as s:
        methods = dict(s.execute(select(PaymentMethod.name, PaymentMethod.id)).all())
    card, transfer = methods["Credit card"], methods["Bank transfer"]
    a = factory.customer(partner=north, location=hill, payment_method_id=card)
    b = factory.customer(partner=south, location=lake, payment_method_id=transfer)
    a1, a2 = factory.invoice(a, "10.00"), factory.invoice(a, "50.00")
    b1 = factory.invoice(b, "30.00")
    old = factory.invoice(b, "70.00", days_ago=40)

    assert selected(host, today_filters()) == sorted([a1.number, a2.number, b1.number])
    assert selected(host, ChargeFilters()) == sorted([a1.number, a2.number, b1.number, old.number])
    assert selected(host, today_filters(partner_ids=(north.id,))) == sorted([a1.number, a2.number])
    assert selected(host, today_filters(location_ids=(lake.id,))) == [b1.number]
    assert selected(host, today_filters(payment_method_ids=(card,))) == sorted([a1.number, a2.number])
    assert selected(host, today_filters(total_op=">", total_value=Decimal("20"))) == sorted([a2.number, b1.number])
    assert selected(host, today_filters(total_op="<", total_value=Decimal("20"))) == [a1.number]
    assert selected(host, today_filters(total_op="=", total_value=Decimal("30.00"))) == [b1.number]
    assert selected(host, today_filters(customer_ids=(b.id,))) == [b1.number]
    assert selected(host, today_filters(numbers=(a2.number, old.number))) == [a2.number]
    assert selected(host, ChargeFilters(document_ids=(a1.id, old.id))) == sorted([a1.number, old.number])


def test_status_filter_defaults_to_unpaid_with_partial_and_knows_nothing_paid_overdue_and_pending(charging, factory, host):
    customer = factory.customer()
    fresh = factory.invoice(customer, "10.00")
    overdue = factory.invoice(customer, "20.00", days_ago=30)
    partial = factory.invoice(customer, "40.00")
    paid = factory.invoice(customer, "15.00")
    pending = factory.invoice(customer, "25.00")
    with host.db.transaction() as s:
        s.get(Invoice, partial.id).due = Decimal("5.00")
        s.get(Invoice, paid.id).status, s.get(Invoice, paid.id).due = "paid", Decimal("0.00")
        s.get(Invoice, pending.id).status = "pending"
    every = ChargeFilters(period_from=date.today() - timedelta(days=60))
    assert selected(host, every) == sorted([fresh.number, overdue.number, partial.number])
    assert "status Unpaid (incl. partially paid)" in every.describe()
    assert selected(host, every.with_changes(status="nothing_paid")) == sorted([fresh.number, overdue.number])
    assert selected(host, every.with_changes(status="overdue")) == [overdue.number]
    assert selected(host, every.with_changes(status="partially_paid")) == [partial.number]
    assert selected(host, every.with_changes(status="pending")) == [pending.number]
    assert selected(host, every.with_changes(status="any")) == sorted(
        [fresh.number, overdue.number, partial.number, pending.number])


def test_preview_counts_sums_and_what_will_not_be_charged(charging, factory, host):
    with_card, without = factory.customer(), factory.customer()
    save_card(host, with_card)
    factory.invoice(with_card, "10.00")
    partial = factory.invoice(with_card, "40.00")
    factory.invoice(without, "25.50")
    busy = factory.invoice(without, "5.00")
    with host.db.transaction() as s:
        s.get(Invoice, partial.id).due = Decimal("15.00")
        s.get(Invoice, busy.id).status = "pending"
    with host.db.reading() as s:
        shown = preview(s, today_filters(status="any"), "fakepay")
    assert (shown.count, shown.total_sum, shown.due_sum) == (4, Decimal("80.50"), Decimal("55.50"))
    assert shown.in_progress == 1 and shown.without_account == 2
    assert charging.preview(today_filters(), "fakepay").count == 3


def test_proforma_invoices_are_selected_separately(charging, factory, host):
    customer = factory.customer()
    factory.invoice(customer, "10.00")
    proforma = factory.proforma(customer, "50.00")
    assert selected(host, today_filters(target_kind="proforma")) == [proforma.number]


def test_form_input_is_parsed_with_a_message_per_bad_field():
    filters = ChargeFilters.parse({"period_from": "2026-11-01", "period_to": "2026-11-30", "customer_ids": "4, 5 4",
                                   "numbers": "A1,A2", "total_op": ">", "total_value": "10.5",
                                   "partner_ids": ["1", "2"]})
    assert filters.customer_ids == (4, 5) and filters.numbers == ("A1", "A2") and filters.partner_ids == (1, 2)
    assert filters.total_value == Decimal("10.5") and filters.status == "unpaid"
    assert ChargeFilters.from_dict(filters.to_dict()) == filters
    with pytest.raises(FilterError) as caught:
        ChargeFilters.parse({"period_from": "2026-12-01", "period_to": "2026-11-01", "customer_ids": "x1",
                             "total_value": "ten", "status": "bogus"})
    assert set(caught.value.errors) == {"period_to", "customer_ids", "total_value", "status"}


def test_every_choice_of_a_multi_select_counts():
    form = MultiDict([("partner_ids", "3"), ("partner_ids", "1"), ("location_ids", "2"), ("customer_ids", "4, 5"),
                      ("numbers", "A-1 A-2")])
    filters = ChargeFilters.parse(form)
    assert (filters.partner_ids, filters.location_ids, filters.customer_ids, filters.numbers) == (
        (3, 1), (2,), (4, 5), ("A-1", "A-2"))
