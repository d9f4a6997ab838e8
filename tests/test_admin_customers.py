"""Admin customer page: add and edit customers, validation, roles, partner scoping, audit, passwords."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hostapp.models import DEFAULT_PAYMENT_METHODS, Admin, AuditEntry, Customer, Partner, PaymentMethod
from hostapp.web.auth import hash_password, verify_password
from splynx_testing.fixtures import portal_login

PASSWORD = "role-password"


@pytest.fixture
def staff(app, host):
    """``staff(role, partners=())``: a test client logged in as an administrator of ``role``."""

    def login(role: str, partners=()):
        name = f"{role}-" + "-".join(str(p.id) for p in partners)
        with host.db.transaction() as session:
            chosen = session.execute(select(Partner).where(Partner.id.in_([p.id for p in partners]))).scalars().all()
            session.add(Admin(login=name, name=role.title(), role=role, password_hash=hash_password(PASSWORD),
                              partners=list(chosen)))
        client = app.test_client()
        assert client.post("/admin/login", data={"login": name, "password": PASSWORD}).status_code == 302
        return client

    return login


@pytest.fixture
def places(factory):
    return factory.partner("North"), factory.partner("South"), factory.location("Downtown")


@pytest.fixture
def method_id(host) -> int:
    """The id of the second default payment method (ids are not 1, 2, … on a reused server database)."""
    with host.db.reading() as session:
        return session.execute(select(PaymentMethod.id).where(PaymentMethod.name == DEFAULT_PAYMENT_METHODS[1])
                               ).scalar_one()


@pytest.fixture
def customer_form(method_id):
    """A complete, valid customer form for ``partner`` and ``location``; ``fields`` replace its values."""
    def make(partner, location, **fields):
        form = {"name": "Nora Field", "login": "nora", "password": "first-password", "email": "nora@example.net",
                "phone": "+1 555 0100", "category": "person", "status": "new", "billing_type": "recurring",
                "billing_due": "14", "street": "1 Elm Street", "zip_code": "90001", "city": "Springfield",
                "partner_id": str(partner.id), "location_id": str(location.id), "payment_method_id": str(method_id)}
        form.update(fields)
        return form
    return make


def _customer(host, login):
    host.db.session.remove()
    return host.db.session.execute(select(Customer).where(Customer.login == login)).scalar_one_or_none()


def _audit(host, action):
    host.db.session.remove()
    return host.db.session.execute(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)).scalars().all()


def test_an_administrator_adds_a_customer_who_can_log_in_to_the_portal(admin_client, app, host, places, customer_form,
                                                                       method_id):
    north, _, downtown = places
    form = admin_client.get("/admin/customers/add").get_data(as_text=True)
    assert 'name="login"' in form and "North" in form and "Inactive (Doesn&#39;t use services)" in form
    response = admin_client.post("/admin/customers/add", data=customer_form(north, downtown))
    assert response.status_code == 302
    customer = _customer(host, "nora")
    assert response.headers["Location"].endswith(f"/admin/customers/{customer.id}")
    assert (customer.name, customer.status, customer.partner_id, customer.payment_method_id) == \
        ("Nora Field", "new", north.id, method_id)
    assert customer.password_hash != "first-password" and verify_password(customer.password_hash, "first-password")
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Customer Nora Field (login nora) added." in page and "first-password" not in page
    assert portal_login(app, customer, "first-password").get("/portal/").status_code == 200
    created = _audit(host, "customer.create")[-1]
    assert created.target == f"nora (#{customer.id})" and created.details["Password"] == "changed (not shown)"
    assert created.details["Partner"] == "North" and "first-password" not in str(created.details)


def test_refused_input_keeps_what_was_typed_and_saves_nothing(admin_client, host, places, customer_form):
    north, _, downtown = places
    bad = customer_form(north, downtown, login="no spaces", email="nora-at-example", password="short", billing_due="-3",
                status="gone", partner_id="999999", phone="call me", street="line\none")
    response = admin_client.post("/admin/customers/add", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and _customer(host, "no spaces") is None
    for message in ("Use 2 to 64 letters, digits", "Enter an email address like", "Use 8 to 256 characters.",
                    "Choose a status from the list.", "Choose a partner from the list.", "Enter a phone number",
                    "Enter at most 128 characters on one line.", "Enter the days to pay: a whole number from 0 to 365.",
                    "Nothing was saved: correct the 8 fields"):
        assert message in page, message
    assert 'value="Nora Field"' in page and 'value="nora-at-example"' in page and 'value="1 Elm Street"' not in page
    assert 'value="short"' not in page  # a password is never echoed back
    assert host.db.session.execute(select(Customer)).first() is None


def test_a_taken_login_is_refused_with_a_message(admin_client, host, places, factory, customer_form):
    north, _, downtown = places
    factory.customer(login="Nora", partner=north, location=downtown)
    response = admin_client.post("/admin/customers/add", data=customer_form(north, downtown))
    assert response.status_code == 422 and "The login nora is taken by another customer." in response.get_data(True)


def test_editing_audits_only_the_fields_that_changed_and_keeps_the_password(admin_client, host, places, factory,
                                                                            customer_form):
    north, south, downtown = places
    customer = factory.customer(login="ed", name="Ed Stone", partner=north, location=downtown, phone="555",
                                street="", city="", payment_method_id=None)
    form = admin_client.get(f"/admin/customers/{customer.id}/edit").get_data(as_text=True)
    assert 'value="Ed Stone"' in form and 'class="tabs customer-tabs"' in form and "password_hash" not in form
    data = customer_form(south, downtown, name="Ed Stone", login="ed", email=customer.email, phone="555", status="blocked",
                 password="", billing_due="30", street="", zip_code="12345", city="", payment_method_id="")
    response = admin_client.post(f"/admin/customers/{customer.id}/edit", data=data, follow_redirects=True)
    assert "Customer Ed Stone saved: Status, Payment due, Partner changed." in response.get_data(as_text=True)
    saved = _customer(host, "ed")
    assert (saved.status, saved.partner_id, saved.billing_due) == ("blocked", south.id, 30)
    assert verify_password(saved.password_hash, "customer-password")  # an empty password field keeps it
    entry = _audit(host, "customer.update")[-1]
    assert entry.details == {"Status": "active → blocked", "Payment due": "14 → 30", "Partner": "North → South"}
    again = admin_client.post(f"/admin/customers/{customer.id}/edit", data=data, follow_redirects=True)
    assert "nothing changed" in again.get_data(as_text=True) and len(_audit(host, "customer.update")) == 1


def test_a_new_password_ends_the_customers_portal_sessions(admin_client, app, host, places, factory, customer_form):
    north, _, downtown = places
    customer = factory.customer(login="pat", partner=north, location=downtown)
    portal = portal_login(app, customer)
    data = customer_form(north, downtown, login="pat", name=customer.name, email=customer.email, status="active",
                 password="second-password", zip_code="12345", payment_method_id="", phone="", street="", city="")
    admin_client.post(f"/admin/customers/{customer.id}/edit", data=data)
    assert portal.get("/portal/").status_code == 302  # logged out
    assert _audit(host, "customer.update")[-1].details == {"Password": "changed (not shown)"}
    assert portal_login(app, _customer(host, "pat"), "second-password").get("/portal/").status_code == 200


def test_viewers_and_financial_managers_cannot_change_customers(staff, places, factory, customer_form):
    north, _, downtown = places
    customer = factory.customer(partner=north, location=downtown)
    viewer, financial = staff("viewer"), staff("financial")
    for client in (viewer, financial):
        assert client.get(f"/admin/customers/{customer.id}").status_code == 200
        assert client.get("/admin/customers/add").status_code == 403
        assert client.post(f"/admin/customers/{customer.id}/edit", data=customer_form(north, downtown)).status_code == 403
    assert viewer.get(f"/admin/customers/{customer.id}/documents/new").status_code == 403
    assert financial.get(f"/admin/customers/{customer.id}/documents/new").status_code == 200


def test_a_manager_works_only_within_their_partners(staff, host, places, factory, customer_form):
    north, south, downtown = places
    theirs = factory.customer(partner=south, location=downtown, login="theirs")
    own = factory.customer(partner=north, location=downtown, login="own", name="Own One")
    manager = staff("manager", [north])
    form = manager.get("/admin/customers/add").get_data(as_text=True)
    assert ">North<" in form and ">South<" not in form
    refused = manager.post("/admin/customers/add", data=customer_form(south, downtown))
    assert refused.status_code == 422 and "You may only choose one of your own partners." in refused.get_data(True)
    assert _customer(host, "nora") is None
    moved = manager.post(f"/admin/customers/{own.id}/edit",
                         data=customer_form(south, downtown, login="own", name="Own One", password=""))
    assert moved.status_code == 422 and _customer(host, "own").partner_id == north.id
    assert manager.get(f"/admin/customers/{theirs.id}/edit").status_code == 404
    assert manager.post(f"/admin/customers/{theirs.id}/edit", data=customer_form(north, downtown)).status_code == 404
    assert manager.post("/admin/customers/add", data=customer_form(north, downtown)).status_code == 302
    assert _customer(host, "nora").partner_id == north.id


def test_the_customer_list_filters_by_partner_within_the_admins_partners(staff, places, factory):
    north, south, downtown = places
    factory.customer(partner=north, location=downtown, name="Northern Customer")
    factory.customer(partner=south, location=downtown, name="Southern Customer")
    admin = staff("admin")
    every = admin.get("/admin/customers").get_data(as_text=True)
    assert "Northern Customer" in every and "Southern Customer" in every
    assert '<option value="%d" >South</option>' % south.id in every
    southern = admin.get(f"/admin/customers?partner={south.id}").get_data(as_text=True)
    assert "Southern Customer" in southern and "Northern Customer" not in southern
    assert f'<option value="{south.id}" selected>South</option>' in southern
    for junk in ("x", "-1", "99999999999999999999"):  # not a partner: the list is not filtered, no error
        assert "Northern Customer" in admin.get(f"/admin/customers?partner={junk}").get_data(as_text=True)
    manager = staff("manager", [north])
    own = manager.get(f"/admin/customers?partner={north.id}").get_data(as_text=True)
    assert "Northern Customer" in own and ">South<" not in own
    foreign = manager.get(f"/admin/customers?partner={south.id}").get_data(as_text=True)
    assert "Southern Customer" not in foreign and "Northern Customer" not in foreign


@pytest.mark.parametrize("value", ["\x00", "x" * 10_000, "٣", "99999999999999999999", "' OR 1=1 --", "a\u2028b"])
def test_hostile_values_in_every_field_are_refused_without_an_error(admin_client, host, places, factory, value,
                                                                   customer_form):
    north, _, downtown = places
    customer = factory.customer(partner=north, location=downtown)
    for name in customer_form(north, downtown):
        for url in ("/admin/customers/add", f"/admin/customers/{customer.id}/edit"):
            response = admin_client.post(url, data=customer_form(north, downtown, **{name: value}))
            assert response.status_code in (302, 400, 422), (name, url, response.status_code)
