"""Admin dashboard: the numbers an operator checks first."""

from datetime import date

from flask import render_template
from sqlalchemy import func, select

from core.web import current_host
from ...models import Customer, Invoice, Module, Payment
from . import bp


@bp.get("/")
def dashboard():
    db = current_host().db.session
    month_start = date.today().replace(day=1)
    unpaid = db.execute(select(func.count(), func.coalesce(func.sum(Invoice.due), 0))
                        .where(Invoice.status.in_(("not_paid", "pending")))).one()
    stats = {
        "customers": db.execute(select(func.count()).select_from(Customer)).scalar_one(),
        "active_customers": db.execute(select(func.count()).where(Customer.status == "active")).scalar_one(),
        "unpaid_count": unpaid[0],
        "unpaid_due": unpaid[1],
        "month_payments": db.execute(select(func.coalesce(func.sum(Payment.amount), 0))
                                     .where(Payment.date >= month_start)).scalar_one(),
        "modules": db.execute(select(func.count()).where(Module.status == "enabled")).scalar_one(),
    }
    recent = db.execute(select(Payment).order_by(Payment.id.desc()).limit(8)).scalars().all()
    overdue = db.execute(select(Invoice).where(Invoice.status == "not_paid", Invoice.date_till < date.today())
                         .order_by(Invoice.date_till).limit(8)).scalars().all()
    return render_template("admin/dashboard.html", stats=stats, recent=recent, overdue=overdue)
