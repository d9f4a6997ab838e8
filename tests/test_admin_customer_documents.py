"""Issuing an invoice or a proforma invoice with items from the customer's page; add-on tabs in its frame."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Blueprint, render_template_string, request
from sqlalchemy import select

from core import AddonManifest, EntryPoint, ModuleSpec, hookimpl
from core.web import CUSTOMER_LAYOUT, admin_customer_or_404, admin_required
from hostapp.models import Admin, AuditEntry, Customer, Invoice, Partner, ProformaInvoice
from hostapp.web.auth import hash_password
from splynx_testing.fixtures import make_test_app, portal_login

PASSWORD = "manager-password"


def _items(*rows, **fields):
    data = {"kind": "invoice", "due_days": "14", "note": "Installation", "description": [], "quantity": [],
            "price": [], "tax": []}
    for description, quantity, price, tax in rows:
        for key, value in zip(("description", "quantity", "price", "tax"), (description, quantity, price, tax)):
            data[key].append(value)
    data.update(fields)
    return data


def _reload(host, model, **where):
    host.db.session.remove()
    return host.db.session.execute(select(model).filter_by(**where)).scalars().all()


def test_an_invoice_with_two_items_is_numbered_totalled_debited_and_shown_everywhere(admin_client, app, host,
                                                                                    factory):
    customer = factory.customer(name="Ivy Billing", billing_due=21)
    url = f"/admin/customers/{customer.id}/documents/new"
    form = admin_client.get(url).get_data(as_text=True)
    assert 'name="description"' in form and 'name="due_days" type="text" value="21"' in form  # the payment due
    data = _items(("Router", "2", "49.95", "20"), ("Installation", "1", "30", "0"), ("", "1", "", "0"))
    response = admin_client.post(url, data=data, follow_redirects=True)
    invoice, = _reload(host, Invoice, customer_id=customer.id)
    assert invoice.total == Decimal("149.88") == invoice.due  # 2 × 49.95 × 1.20 = 119.88, + 30.00
    assert invoice.number == f"{date.today().year}{customer.partner_id:02d}000001"
    assert invoice.date_till == date.today() + timedelta(days=14) and invoice.note == "Installation"
    assert [(i.description, i.quantity, i.price, i.tax) for i in invoice.items] == \
        [("Router", Decimal("2.00"), Decimal("49.95"), Decimal("20.00")),
         ("Installation", Decimal("1.00"), Decimal("30.00"), Decimal("0.00"))]
    assert invoice.added_by == "admin" and invoice.type == "one_time"
    page = response.get_data(as_text=True)
    assert f"Invoice {invoice.number} issued to Ivy Billing: 2 items, total 149.88 $." in page
    assert f'data-number="{invoice.number}"' in page  # the Billing tab lists it
    assert _reload(host, Customer, id=customer.id)[0].balance == Decimal("-149.88")
    assert invoice.number in admin_client.get("/admin/finance/invoices").get_data(as_text=True)
    portal = portal_login(app, customer).get("/portal/finance/invoices").get_data(as_text=True)
    assert invoice.number in portal and "149.88" in portal
    audit, = _reload(host, AuditEntry, action="invoice.issue")
    assert audit.target == invoice.number and audit.details["total"] == "149.88"


def test_a_proforma_invoice_asks_for_payment_without_touching_the_balance(admin_client, app, host, factory):
    customer = factory.customer()
    data = _items(("Prepayment", "", "50,00", ""), kind="proforma", due_days="0")
    response = admin_client.post(f"/admin/customers/{customer.id}/documents/new", data=data)
    assert response.status_code == 302
    proforma, = _reload(host, ProformaInvoice, customer_id=customer.id)
    assert (proforma.total, proforma.date_till, proforma.number) == \
        (Decimal("50.00"), date.today(), f"{date.today().year}000001")
    assert _reload(host, Customer, id=customer.id)[0].balance == Decimal("0.00")
    assert proforma.number in admin_client.get("/admin/finance/proforma-invoices").get_data(as_text=True)
    assert proforma.number in portal_login(app, customer).get("/portal/finance/proforma-invoices").get_data(True)


def test_a_bad_item_is_named_and_nothing_is_issued_or_lost(admin_client, host, factory):
    customer = factory.customer()
    data = _items(("Router", "2", "49.95", "20"), ("Cable", "1", "1e3", "0"), ("", "x", "5", "200"),
                  due_days="-1", kind="credit")
    response = admin_client.post(f"/admin/customers/{customer.id}/documents/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and not _reload(host, Invoice, customer_id=customer.id)
    for message in ("Item 2: the price is a positive amount like 29.90.", "Item 3: enter a description",
                    "Enter the days to pay: a whole number from 0 to 365.", "Choose Invoice or Proforma invoice.",
                    "Nothing was issued"):
        assert message in page, message
    assert 'value="Router"' in page and 'value="49.95"' in page and 'value="1e3"' in page and 'value="-1"' in page


def test_an_empty_document_is_refused(admin_client, host, factory):
    customer = factory.customer()
    response = admin_client.post(f"/admin/customers/{customer.id}/documents/new", data=_items(("", "1", "", "0")))
    assert response.status_code == 422 and "Add at least one item" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["٣", "99999999999999999999", "NaN", "1_000", "x" * 10_000, "a\nb", ""])
def test_hostile_item_values_never_answer_500(admin_client, host, factory, value):
    customer = factory.customer()
    for column in range(4):
        row = ["Item", "1", "10", "0"]
        row[column] = value
        response = admin_client.post(f"/admin/customers/{customer.id}/documents/new", data=_items(tuple(row)))
        assert response.status_code in (302, 422)


def test_a_manager_issues_only_to_customers_of_their_partners(app, host, factory):
    north, south = factory.partner(), factory.partner()
    theirs = factory.customer(partner=south)
    with host.db.transaction() as session:
        session.add(Admin(login="mgr", name="Mgr", role="manager", password_hash=hash_password(PASSWORD),
                          partners=[session.get(Partner, north.id)]))
    client = app.test_client()
    client.post("/admin/login", data={"login": "mgr", "password": PASSWORD})
    response = client.post(f"/admin/customers/{theirs.id}/documents/new", data=_items(("Router", "1", "10", "0")))
    assert response.status_code == 404 and not _reload(host, Invoice, customer_id=theirs.id)


# -- add-on tabs keep the customer's frame -------------------------------------------------------------

tab_bp = Blueprint("notes_tab", __name__)
TAB_TEMPLATE = """{% extends CUSTOMER_LAYOUT %}
{% block tab_crumb %} › <b>Notes</b>{% endblock %}
{% block tab_content %}<div class="card">Notes written by the add-on</div>{% endblock %}"""


@tab_bp.get("/admin/customer")
@admin_required("customers.view")
def notes_tab():
    customer = admin_customer_or_404(request.args.get("customer_id"))
    return render_template_string(TAB_TEMPLATE, CUSTOMER_LAYOUT=CUSTOMER_LAYOUT, customer=customer)


class NotesTab:
    """A third-party add-on with one admin customer tab."""

    MANIFEST = AddonManifest(id="notes_tab", title="Customer notes")

    @hookimpl
    def splynx_configure_module(self):
        return ModuleSpec(title="Customer notes")

    @hookimpl
    def splynx_register_entry_points(self):
        return [EntryPoint(name="notes_tab_customer", place="admin", type="tab", root="customer", title="Notes",
                           url="/notes-tab/admin/customer", enabled=True)]

    @hookimpl
    def splynx_register_routes(self):
        return tab_bp


def test_a_third_party_customer_tab_gets_the_customers_tab_bar(host, install_addon, factory):
    install_addon(NotesTab())
    factory.admin(login="root", password="root-password")
    app = make_test_app(host)
    client = app.test_client()
    client.post("/admin/login", data={"login": "root", "password": "root-password"})
    customer = factory.customer(name="Tabbed Customer")
    page = client.get(f"/notes-tab/admin/customer?customer_id={customer.id}").get_data(as_text=True)
    assert "Notes written by the add-on" in page
    assert 'class="tabs customer-tabs"' in page and ">Billing</a>" in page and "Tabbed Customer" in page
    assert 'class="addon-tab active" aria-current="page"' in page
    info = client.get(f"/admin/customers/{customer.id}").get_data(as_text=True)
    assert f'href="/notes-tab/admin/customer?customer_id={customer.id}"' in info
