"""Admin dashboard: the numbers an operator checks first."""

from datetime import date

from flask import render_template
from sqlalchemy import func, select

from core.web import current_host, requires, scope_customers, scope_partners
from ...models import Customer, Invoice, Module, Payment
from . import bp


@bp.get("/")
@requires("dashboard.view")
def dashboard():
    """Counts and sums of the administrator's partners (all partners unless limited)."""
    db = current_host().db.session
    month_start = date.today().replace(day=1)
    customers = scope_partners(select(func.count()).select_from(Customer), Customer.partner_id)
    unpaid = db.execute(scope_customers(select(func.count(), func.coalesce(func.sum(Invoice.due), 0))
                                        .where(Invoice.status.in_(("not_paid", "pending"))), Invoice.customer_id)).one()
    stats = {
        "customers": db.execute(customers).scalar_one(),
        "active_customers": db.execute(customers.where(Customer.status == "active")).scalar_one(),
        "unpaid_count": unpaid[0],
        "unpaid_due": unpaid[1],
        "month_payments": db.execute(scope_customers(select(func.coalesce(func.sum(Payment.amount), 0))
                                                     .where(Payment.date >= month_start), Payment.customer_id)).scalar_one(),
        "modules": db.execute(select(func.count()).where(Module.status == "enabled")).scalar_one(),
    }
    recent = db.execute(scope_customers(select(Payment).order_by(Payment.id.desc()).limit(8),
                                        Payment.customer_id)).scalars().all()
    overdue = db.execute(scope_customers(select(Invoice).where(Invoice.status == "not_paid", Invoice.date_till < date.today())
                                         .order_by(Invoice.date_till).limit(8), Invoice.customer_id)).scalars().all()
    return render_template("admin/dashboard.html", stats=stats, recent=recent, overdue=overdue)
