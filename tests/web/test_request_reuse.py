"""What a request reuses from earlier ones is accepted or refused exactly as when worked out anew:
verified session cookies (signature and age) and the pages' signed CSRF token."""

import re
import time

from hostapp.web import cookie_sessions
from splynx_testing.fixtures import portal_login

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Later:
    """``time`` as seen ``seconds`` from now."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def time(self) -> float:
        return time.time() + self.seconds


def test_a_verified_cookie_is_refused_once_its_lifetime_is_over(app, factory, monkeypatch):
    client = portal_login(app, factory.customer())
    assert client.get("/portal/").status_code == 200
    lifetime = app.permanent_session_lifetime.total_seconds()
    monkeypatch.setattr(cookie_sessions, "time", Later(lifetime + 5))
    assert client.get("/portal/").headers["Location"].startswith("/portal/login")


def test_a_changed_cookie_is_refused(app, factory):
    client = portal_login(app, factory.customer())
    assert client.get("/portal/").status_code == 200
    cookie = client.get_cookie("session")
    forged = cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB")
    client.set_cookie("session", forged)
    assert client.get("/portal/").status_code == 302


def test_pages_show_one_signed_csrf_token_and_a_form_sent_with_it_passes(app, factory):
    app.config["WTF_CSRF_ENABLED"] = True
    customer = factory.customer()
    client = app.test_client()
    token = TOKEN.search(client.get("/portal/login").get_data(as_text=True)).group(1)
    response = client.post("/portal/login", data={"csrf_token": token, "login": customer.login,
                                                  "password": "customer-password"})
    assert response.status_code == 302
    first = TOKEN.search(client.get("/portal/").get_data(as_text=True)).group(1)
    assert TOKEN.search(client.get("/portal/profile").get_data(as_text=True)).group(1) == first
    assert client.post("/portal/logout", data={"csrf_token": first}).status_code == 302
    assert client.post("/portal/logout", data={"csrf_token": "forged"}).status_code == 400
