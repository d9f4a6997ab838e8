"""Secrets stay put: a Gateway URL moved to another host does not take the stored credentials along.

The "attacker" is an administrator (or a stolen admin session) who points *Gateway URL* at a
listener of their own: a real HTTP server on loopback that records what it receives.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from core.gateway.transport import BadAnswer, HttpTransport, NotSent
from core.settings import UrlRule
from hostapp.models import ModuleSetting
from hostapp.services.settings_store import SettingsStore
from splynx_icharge import simulator as icharge_simulator
from splynx_icharge.charging import api_for
from splynx_icharge.settings import GATEWAY_URL_RULE, SETTINGS as ICHARGE_SETTINGS
from splynx_icharge.settings import load_settings as icharge_settings
from splynx_ippay import simulator as ippay_simulator
from splynx_ippay.charging import client_for
from splynx_ippay.client import clients
from splynx_ippay.settings import SETTINGS as IPPAY_SETTINGS
from splynx_ippay.settings import load_settings as ippay_settings
from splynx_testing.gateway import save_settings

from .conftest import login_as

IPPAY, ICHARGE = "/admin/config/integrations/modules/splynx_ippay_addon", \
    "/admin/config/integrations/modules/splynx_icharge_addon"


class Listener:
    """An HTTP server of the attacker's on loopback; keeps every request's headers and body."""

    def __init__(self) -> None:
        self.received: list[str] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                received.append(str(self.headers) + self.rfile.read(length).decode("utf-8", "replace"))
                self.send_response(200)
                self.end_headers()

            do_GET = do_POST = _record

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        #: "localhost" is another host name than the simulators' 127.0.0.1
        self.url = f"http://localhost:{self.server.server_port}/steal"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    running = Listener()
    yield running
    running.close()


@pytest.fixture
def gateways(full_app, host):
    """IPpay and iCharge configured with test credentials at the simulators' address."""
    save_settings(host, "ippay", IPPAY_SETTINGS, terminal_id=ippay_simulator.TEST_TERMINAL,
                  gateway_url="http://127.0.0.1:9/ippay")
    save_settings(host, "icharge", ICHARGE_SETTINGS, merchant_id=icharge_simulator.TEST_MERCHANT,
                  api_key=icharge_simulator.TEST_API_KEY, gateway_url="http://127.0.0.1:9/api/v1")
    yield full_app
    clients.clear()


def _stored_url(host, addon_id: str) -> str:
    row = host.db.session.execute(select(ModuleSetting).where(
        ModuleSetting.addon_id == addon_id, ModuleSetting.key == "gateway_url")).scalar_one()
    return row.value


def test_a_new_gateway_host_needs_the_secrets_typed_again(gateways, host, factory, listener):
    factory.admin(login="root", password="root-password")
    admin = login_as(gateways, "root", "root-password")
    refused = admin.post(IPPAY, data={"form": "settings", "mode": "test", "ach_sec": "WEB", "account_types": "card",
                                      "gateway_url": listener.url, "fee_percent": "2.5"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Gateway URL now points at localhost: enter the Terminal ID again to send it there." in page
    assert "Password" in page and listener.url in page and 'value="2.5"' in page  # nothing typed is lost
    assert "9/ippay" in _stored_url(host, "ippay")  # nothing stored
    icharge = admin.post(ICHARGE, data={"form": "settings", "merchant_id": icharge_simulator.TEST_MERCHANT,
                                        "mode": "test", "currency": "AUD", "gateway_url": listener.url})
    assert icharge.status_code == 422 and "enter the API key again" in icharge.get_data(as_text=True)
    with host.db.transaction() as session:  # the server still calls the address stored before (closed port 9)
        with pytest.raises(NotSent):
            client_for(ippay_settings(host, session, None)).ping()
        with pytest.raises(NotSent):
            api_for(icharge_settings(host, session, None)).ping()
    assert listener.received == []


def test_secrets_typed_with_the_new_url_go_there_and_the_old_ones_never_do(gateways, host, factory, listener):
    factory.admin(login="root", password="root-password")
    admin = login_as(gateways, "root", "root-password")
    saved = admin.post(ICHARGE, data={"form": "settings", "merchant_id": "MINE", "api_key": "my-own-key",
                                      "mode": "test", "currency": "AUD", "gateway_url": listener.url})
    assert saved.status_code == 302
    with host.db.transaction() as session, pytest.raises(BadAnswer):  # the listener answers no xServ JSON
        api_for(icharge_settings(host, session, None)).ping()
    sent = "".join(listener.received)
    assert "Authorization: Basic" in sent and icharge_simulator.TEST_API_KEY not in sent
    assert "XILOTEST" not in sent and "sk_test" not in sent


def test_a_partner_override_of_the_url_cannot_borrow_the_default_credentials(gateways, host, factory):
    partner = factory.partner()
    with host.db.transaction() as session:
        store = SettingsStore(session, host.box)
        schema = IPPAY_SETTINGS
        result = store.validate("ippay", schema, {"gateway_url": "https://attacker.example/ippay", "mode": "test",
                                                  "ach_sec": "WEB"}, partner.id, keys=schema.partner_keys())
    assert set(result.errors) == {"terminal_id"} and "now points at attacker.example" in result.errors["terminal_id"]


@pytest.mark.parametrize("url, message", [
    ("http://attacker.example/ippay", "Use https://"),
    ("ftp://gtwy.ippay.com/", "Enter a full URL starting with https://."),
    ("https://", "Enter a full URL starting with https://."),
])
def test_the_gateway_url_is_https_or_a_loopback_simulator(url, message):
    problem = GATEWAY_URL_RULE.problem(url)
    assert problem is not None and message in problem
    assert GATEWAY_URL_RULE.problem("https://xserv.xilo.com/api/v1") is None
    assert GATEWAY_URL_RULE.problem("http://127.0.0.1:8111/api/v1") is None


def test_the_server_refuses_to_call_a_url_its_rule_forbids(listener):
    only_ip = UrlRule(http_hosts=("127.0.0.1",))  # plain http to 127.0.0.1 only: "localhost" is refused
    transport = HttpTransport(listener.url, url_rule=only_ip, headers={"Authorization": "Basic c2VjcmV0"})
    with pytest.raises(NotSent, match="not allowed"):
        transport.post(b"<ippay/>", content_type="text/xml")
    assert listener.received == []
