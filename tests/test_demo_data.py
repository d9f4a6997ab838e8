"""The data ``splynx demo`` seeds: dated relative to today, never after it."""

from datetime import date

from sqlalchemy import func, select

from hostapp.demo import seed_demo
from hostapp.models import Invoice, Payment, ProformaInvoice, Transaction


def test_demo_data_is_never_dated_after_today(host):
    today = date(2026, 12, 2)  # early in the month: invoices of the 1st, payments five days later would be ahead
    with host.db.transaction() as session:
        assert seed_demo(session, customers=12, today=today)
    with host.db.reading() as session:
        latest = {model.__name__: session.execute(select(func.max(column))).scalar()
                  for model, column in ((Payment, Payment.date), (Transaction, Transaction.date),
                                        (Invoice, Invoice.date_created), (ProformaInvoice, ProformaInvoice.date_created))}
        assert session.execute(select(func.count()).select_from(Payment)).scalar() > 0
        this_month = session.execute(select(func.count()).select_from(Payment).where(
            Payment.date == today)).scalar()
    assert all(value is not None and value <= today for value in latest.values()), latest
    assert this_month > 0, "payments of this month's invoices are dated today, not five days after the 1st"
