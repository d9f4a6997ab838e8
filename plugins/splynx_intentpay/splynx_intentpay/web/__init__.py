"""The add-on's pages, mounted by the host at ``/intentpay`` (404 while the module is disabled).

Views named ``portal_*`` need a logged-in customer, every other view an administrator with the
permission it declares; the pages extend the host's admin and portal layouts.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from core.web import (ADMIN, PORTAL, admin_required, current_customer, current_host, host_page, login_gate, paginate,
                      scope_customers)

from ..models import IntentpayTransaction as Record
from ..settings import METHOD

bp = Blueprint("intentpay", __name__, template_folder="../templates")
#: customer views whose names do not start with ``portal_`` (the shared pages' endpoint names)
PORTAL_VIEWS = {"refill"}

PAGE_SIZE = 50
#: the columns the admin table's search box looks in
SEARCHED = (Record.reference, Record.note)


@bp.before_request
def _login_gate():
    view = (request.endpoint or "").rpartition(".")[2]
    return login_gate(PORTAL if view.startswith("portal_") or view in PORTAL_VIEWS else ADMIN)


@bp.get("/admin/")
@admin_required("customers.view")
def admin_index():
    """Finance → IntentPay: the records of the administrator's partners' customers, newest first, searchable."""
    statement = scope_customers(select(Record).order_by(Record.id.desc()), Record.customer_id)
    page = paginate(current_host().db.session, statement, SEARCHED)
    return render_template("intentpay/admin/index.html", page=page)


@bp.get("/portal/")
@host_page
def portal_index():
    """Finance → IntentPay in the customer portal: the customer's own records."""
    host, customer = current_host(), current_customer()
    rows = host.db.session.execute(select(Record).where(Record.customer_id == customer.id)
                                   .order_by(Record.id.desc()).limit(PAGE_SIZE)).scalars()
    return render_template("intentpay/portal/index.html", rows=list(rows), title=METHOD)


from . import paying  # noqa: E402,F401 - the views register themselves on bp
