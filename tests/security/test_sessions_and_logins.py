"""Sessions that really end, throttled logins without a user-existence oracle, and local-only redirects."""

from __future__ import annotations

import time

import pytest
from flask import request
from sqlalchemy import select

from hostapp.app import create_app
from hostapp.config import HostConfig
from hostapp.host import Host
from hostapp.models import AuditEntry
from hostapp.web.login_views import ACCOUNT_LIMIT
from splynx_testing.fixtures import make_test_app, portal_login


def _copy_cookie(source, target) -> None:
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


def test_a_cookie_copied_before_logout_stops_working(app, admin_client):
    thief = app.test_client()
    _copy_cookie(admin_client, thief)
    assert thief.get("/admin/").status_code == 200
    admin_client.post("/admin/logout")
    assert thief.get("/admin/").status_code == 302


def test_a_cookie_copied_before_a_password_change_stops_working(app, factory):
    customer = factory.customer()
    owner = portal_login(app, customer)
    thief = app.test_client()
    _copy_cookie(owner, thief)
    assert thief.get("/portal/").status_code == 200
    assert owner.post("/portal/profile", data={"email": "x@example.net", "phone": "", "current_password":
                                               "customer-password", "new_password": "a-new-password"}).status_code == 302
    assert owner.get("/portal/").status_code == 200  # the one who changed it stays logged in
    assert thief.get("/portal/").status_code == 302


def test_a_login_ends_after_the_idle_timeout(host, factory, monkeypatch):
    app = make_test_app(host)
    factory.admin(login="root", password="root-password")
    client = app.test_client()
    client.post("/admin/login", data={"login": "root", "password": "root-password"})
    assert client.get("/admin/").status_code == 200
    later = time.time() + host.config.session_idle_minutes * 60 + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/admin/").status_code == 302


def test_a_login_ends_after_its_absolute_lifetime_however_busy(host, factory, monkeypatch):
    app = make_test_app(host)
    factory.admin(login="root", password="root-password")
    client = app.test_client()
    client.post("/admin/login", data={"login": "root", "password": "root-password"})
    started, step = time.time(), host.config.session_idle_minutes * 60 - 60  # always active within the idle time
    now = started
    while now + step < started + host.config.session_hours * 3600:
        now += step
        monkeypatch.setattr(time, "time", lambda at=now: at)
        assert client.get("/admin/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: started + host.config.session_hours * 3600 + 5)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("public_url, setting, secure", [
    ("https://isp.example", "auto", True), ("http://127.0.0.1:8080", "auto", False),
    ("http://isp.example", "1", True),  # TLS ends at a proxy the app does not know about
    ("https://isp.example", "0", False),
])
def test_the_session_cookie_is_secure_under_https(host, factory, public_url, setting, secure, instance_dir,
                                                  database_url):
    config = HostConfig(instance_path=instance_dir, database_url=database_url, session_secret="s",
                        public_url=public_url, secure_cookies=setting)
    app = create_app(Host.build(config, addons=host.addons, db=host.db), testing=True)
    app.config["WTF_CSRF_ENABLED"] = False
    factory.admin(login="root", password="root-password")
    response = app.test_client().post("/admin/login", data={"login": "root", "password": "root-password"})
    assert ("Secure" in response.headers["Set-Cookie"]) is secure
    assert ("Strict-Transport-Security" in response.headers) is secure


@pytest.mark.parametrize("target", ["//evil.example/phish", "/\\evil.example", "/\t/evil.example", "/%09/x\n",
                                    "https://evil.example/", "javascript:alert(1)", "/\n/evil.example", "evil"])
def test_login_redirects_only_to_paths_of_this_app(app, factory, target):
    factory.admin(login="root", password="root-password")
    response = app.test_client().post("/admin/login", query_string={"next": target},
                                      data={"login": "root", "password": "root-password"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_login_keeps_a_local_next(app, factory):
    factory.admin(login="root", password="root-password")
    response = app.test_client().post("/admin/login?next=/admin/customers?q=a", data={"login": "root",
                                                                                     "password": "root-password"})
    assert response.headers["Location"] == "/admin/customers?q=a"


def test_wrong_passwords_lock_the_account_and_even_the_right_one_waits(app, host, factory):
    factory.admin(login="root", password="root-password")
    client = app.test_client()
    allowed = int(ACCOUNT_LIMIT.split()[0])
    codes = [client.post("/admin/login", data={"login": "root", "password": f"wrong{i}"}).status_code
             for i in range(allowed + 1)]
    assert codes[:allowed - 1] == [200] * (allowed - 1) and codes[allowed - 1:] == [429, 429]
    refused = client.post("/admin/login", data={"login": "root", "password": "root-password"})
    assert refused.status_code == 429 and "Try again in" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 60
    actions = [e.action for e in host.db.session.execute(select(AuditEntry)).scalars()]
    assert actions.count("login.failed") == allowed and "login.locked" in actions and "login.throttled" in actions


def test_a_login_costs_the_same_for_an_unknown_user(app, factory):
    factory.admin(login="root", password="root-password")
    client = app.test_client()

    def timed(login: str) -> float:
        start = time.perf_counter()
        client.post("/admin/login", data={"login": login, "password": "wrong"})
        return time.perf_counter() - start

    known = min(timed("root") for _ in range(3))
    unknown = min(timed("nobody") for _ in range(3))
    assert unknown > known * 0.5, (known, unknown)


def test_admin_logins_are_audited(app, host, factory):
    factory.admin(login="root", password="root-password")
    app.test_client().post("/admin/login", data={"login": "root", "password": "root-password"})
    entry = host.db.session.execute(select(AuditEntry).where(AuditEntry.action == "login.success")).scalar_one()
    assert entry.actor == "admin:root"


def test_behind_a_trusted_proxy_the_throttles_see_the_client_address(host, instance_dir, database_url):
    config = HostConfig(instance_path=instance_dir, database_url=database_url, session_secret="s", proxy_count=1)
    app = create_app(Host.build(config, addons=host.addons, db=host.db), testing=True)

    @app.get("/whoami")
    def whoami():
        return request.remote_addr

    answer = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert answer.get_data(as_text=True) == "203.0.113.7"
