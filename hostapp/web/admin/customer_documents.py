"""Issue an invoice or a proforma invoice with items from a customer's page.

The issuing service is imported by the first request for the form, not when the app is built.
"""

from flask import flash, redirect, render_template, request, url_for

from core.web import admin_customer_or_404, current_host, money, requires
from . import bp
from .integrations import actor

#: empty item rows the form offers (more are added in the browser)
BLANK_ROWS = 3


@bp.route("/customers/<int:customer_id>/documents/new", methods=["GET", "POST"])
@requires("finance.issue")
def customer_document(customer_id: int):
    """The "Issue invoice" form; on success the customer's Billing tab with the new document."""
    from ...services.issuing import KINDS, DocumentForm, issue_document, read_document_form

    customer = admin_customer_or_404(customer_id)
    db = current_host().db.session
    kind = request.args.get("kind")
    form = DocumentForm(kind if kind in KINDS else "invoice", customer.billing_due, "", [], {})
    if request.method == "POST":
        form = read_document_form(request.form)
        if not form.errors:
            document = issue_document(db, customer, form, actor())
            db.commit()
            flash(f"{KINDS[form.kind]} {document.number} issued to {customer.name}: {len(form.items)} "
                  f"item{'s' if len(form.items) != 1 else ''}, total {money(document.total)}.", "success")
            return redirect(url_for(".customer", customer_id=customer.id, tab="billing"))
    rows = list(zip(*(request.form.getlist(n) for n in ("description", "quantity", "price", "tax")))) \
        if request.method == "POST" else []
    rows += [("", "1", "", "0")] * max(BLANK_ROWS - len(rows), 0)
    return render_template("admin/customer_document.html", customer=customer, form=form, rows=rows, kinds=KINDS,
                           submitted=request.method == "POST"), 422 if form.errors else 200
