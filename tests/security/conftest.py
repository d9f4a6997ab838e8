"""Fixtures of the security tests: a host with every shipped add-on, admins of each role, two partners."""

from __future__ import annotations

import pytest

from sqlalchemy import select

from hostapp.models import Admin, Partner
from hostapp.web.auth import hash_password
from splynx_icharge import addon as icharge
from splynx_intentpay import addon as intentpay
from splynx_ippay import addon as ippay
from splynx_refill_cards import addon as refill_cards
from splynx_testing.fixtures import make_test_app

PASSWORD = "role-password"


@pytest.fixture
def full_app(host, install_addon):
    """The app with IPpay, iCharge, IntentPay and refill cards installed (every shipped route mounted)."""
    for plugin in (ippay, icharge, intentpay, refill_cards):
        install_addon(plugin)
    return make_test_app(host)


@pytest.fixture
def make_admin(host):
    """``make_admin(role, partners=())``: an administrator of ``role`` limited to ``partners``."""

    def make(role: str, partners=()):
        login = f"{role}-" + "-".join(str(p.id) for p in partners)
        with host.db.transaction() as session:
            chosen = session.execute(select(Partner).where(Partner.id.in_([p.id for p in partners]))).scalars().all()
            session.add(Admin(login=login, name=role.title(), role=role, password_hash=hash_password(PASSWORD),
                              partners=list(chosen)))
        return login

    return make


def login_as(app, login: str, password: str = PASSWORD):
    """A test client logged in to the admin UI as ``login``."""
    client = app.test_client()
    response = client.post("/admin/login", data={"login": login, "password": password})
    assert response.status_code == 302, response.data
    return client
