"""Every request that changes something is CSRF-checked, though Flask-WTF loads only when first needed."""

import os
import subprocess
import sys

import pytest

from splynx_testing.fixtures import portal_login

from .test_request_reuse import TOKEN

UNLOADED_AT_START = ("flask_wtf", "wtforms", "babel")


def test_building_the_app_does_not_import_flask_wtf(tmp_path):
    code = ("import sys; from hostapp.app import create_app; create_app(); "
            f"print(sorted(m for m in {UNLOADED_AT_START!r} if m in sys.modules))")
    env = {**os.environ, "SPLYNX_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_request_that_changes_something_without_the_token_is_refused_before_any_page_was_shown(app, method):
    app.config["WTF_CSRF_ENABLED"] = True
    app.add_url_rule("/probe", "probe", lambda: "changed", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    client = app.test_client()
    assert client.open("/probe", method=method, data={"login": "x"}).status_code == 400
    assert client.get("/probe").status_code == 200


def test_the_token_is_accepted_from_the_form_or_the_header_and_a_forged_one_is_refused(app, factory):
    client = portal_login(app, factory.customer())
    app.config["WTF_CSRF_ENABLED"] = True
    token = TOKEN.search(client.get("/portal/profile").get_data(as_text=True)).group(1)
    assert client.post("/portal/logout", headers={"X-CSRFToken": "forged"}).status_code == 400
    assert client.post("/portal/logout").status_code == 400
    assert client.post("/portal/logout", headers={"X-CSRFToken": token}).status_code == 302


def test_switching_the_check_off_lets_requests_through(app):
    app.config["WTF_CSRF_ENABLED"] = False
    assert app.test_client().post("/portal/login", data={"login": "x"}).status_code != 400
