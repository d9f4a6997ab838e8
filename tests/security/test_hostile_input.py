"""Hostile input against every route: no answer is a 500 (the test app re-raises any exception).

Every rule in ``url_map`` (host and the three shipped add-ons) is driven as an anonymous
visitor, a customer and a super administrator, by GET with the values in the query string
and by POST with them in the form. Parameters are the route's own arguments plus every
name a view reads from ``request.args``, ``request.form`` or ``request.values``.
A fixed corpus of known-bad values runs first; Hypothesis then adds random text.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splynx_testing.fixtures import portal_login

from .conftest import login_as

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ["99999999999999999999", str(2**63), "-1", "0", "²", "٣", "５", "1e309", "NaN", "sNaN", "Infinity", "0.001",
          "1_000", "1,000", "\x00", "a\nb", "/\t/evil.example", "//evil.example", "é" * 3, "x" * 10_000, "", "[]",
          "{'a': 1}", "%", "' OR 1=1 --"]
#: routes not driven: ending the client's own session, serving static files, and the catalog refresh
#: (no parameters; it starts a package-index job in the background, see tests/lifecycle)
SKIPPED = {"admin.logout", "portal.logout", "static", "admin.addons_refresh"}


def _parameter_names() -> list[str]:
    """Every request parameter a view reads, found in the sources."""
    pattern = re.compile(r"request\.(?:args|form|values)\.(?:get|getlist)\(\s*[\"']([a-z_]+)[\"']")
    names = set()
    for path in [*ROOT.glob("hostapp/**/*.py"), *ROOT.glob("core/**/*.py"), *ROOT.glob("plugins/*/*/**/*.py")]:
        names.update(pattern.findall(path.read_text()))
    return sorted(names | {"item_id", "sig", "expires", "next", "page", "q", "amount", "card_number"})


def _url(rule, value: str) -> str:
    """The rule's path with every argument filled with ``value`` (an ``int`` argument with a huge id)."""
    path = re.sub(r"<int:[a-z_]+>", "99999999999999999999", rule.rule)
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", lambda _: quote((value or "x")[:200], safe=""), path)


@pytest.fixture
def drivers(full_app, factory, host):
    """(name, client) for an anonymous visitor, a customer and a super administrator, and the routes."""
    customer = factory.customer()
    factory.invoice(customer)
    factory.admin(login="root", password="root-password")
    clients = [("anonymous", full_app.test_client()), ("customer", portal_login(full_app, customer)),
               ("admin", login_as(full_app, "root", "root-password"))]
    rules = [r for r in full_app.url_map.iter_rules() if r.endpoint.rpartition(".")[2] not in SKIPPED
             and r.endpoint not in SKIPPED]
    return clients, rules, _parameter_names()


#: requests sent by this module's tests in this run (printed with the routes covered)
SENT = {"requests": 0}


@pytest.fixture(scope="module", autouse=True)
def _report_requests():
    yield
    print(f"\nhostile-input tests: {SENT['requests']} requests in all")


def _drive(clients, rules, names, value: str) -> list[str]:
    """Send ``value`` in every parameter to every route; the requests that failed."""
    failures = []
    params = {name: value for name in names}
    for who, client in clients:
        for rule in rules:
            url = _url(rule, value)
            for method in sorted(rule.methods & {"GET", "POST"}):
                SENT["requests"] += 1
                try:
                    response = (client.get(url, query_string=params) if method == "GET"
                                else client.post(url, data=params))
                except Exception as exc:  # noqa: BLE001 - any exception is the 500 this test hunts
                    failures.append(f"{who} {method} {rule.rule} {value[:20]!r}: {type(exc).__name__}: {exc}"[:300])
                    continue
                if response.status_code >= 500:
                    failures.append(f"{who} {method} {rule.rule} {value[:20]!r}: {response.status_code}")
    return failures


def test_no_route_answers_500_to_the_hostile_corpus(drivers, record_testsuite_property):
    clients, rules, names = drivers
    before = SENT["requests"]
    failures = [f for value in CORPUS for f in _drive(clients, rules, names, value)]
    sent = SENT["requests"] - before
    # the JUnit report's <testsuite> properties (per-test properties are not valid xunit2)
    record_testsuite_property("hostile_input_routes", len(rules))
    record_testsuite_property("hostile_input_requests", sent)
    print(f"hostile corpus: {len(rules)} routes, {len(names)} parameters, {len(CORPUS)} values, {sent} requests, "
          f"{len(failures)} failures")
    assert failures == [], "\n".join(failures)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=40))
def test_no_route_answers_500_to_random_text(drivers, value):
    clients, rules, names = drivers
    assert _drive(clients, rules, names, value) == []
