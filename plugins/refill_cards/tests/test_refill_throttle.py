"""Wrong refill codes are throttled per customer by the host's rate limiter, in memory and on Redis.

Parallel portal requests from threads against live servers (real HTTP, real sockets). With
Redis storage two servers share the counters, as the web workers of one installation do.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace

import pytest
import requests
from sqlalchemy import select

from core.web import clear_attempts
from splynx_refill_cards import throttle
from splynx_refill_cards.models import Card
from splynx_refill_cards.settings import options
from splynx_testing.browser import LiveServer
from splynx_testing.fixtures import make_test_app
from splynx_testing.machine import require_module, require_service

REDIS_URL = os.environ.get("SPLYNX_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
PARALLEL = 12


def _storage_url(storage: str) -> str:
    if storage == "memory":
        return "memory://"
    redis = require_module("redis")
    client = redis.Redis.from_url(REDIS_URL)
    require_service("Redis", REDIS_URL, client.ping,
                    "apt-get install redis-server, then start it: redis-server --daemonize yes --save ''")
    client.close()
    return REDIS_URL


def _portal(server: LiveServer, customer) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{server.url}/portal/login", allow_redirects=False,
                            data={"login": customer.login, "password": "customer-password"})
    assert response.status_code == 302, response.text
    return session


def _forget(app, host, customers) -> None:
    """Clear the customers' counters (Redis keeps them between runs; customer ids repeat in fresh databases)."""
    with app.app_context(), host.db.transaction() as session:
        wrong, lockout = throttle.limits(options(host, session))
        for customer in customers:
            clear_attempts(throttle.WRONG_CODES, str(customer.id), wrong)
            clear_attempts(throttle.LOCKOUT, str(customer.id), lockout)


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_parallel_wrong_codes_lock_the_customer_out_at_the_limit(storage, refill, factory, make_series, set_setting,
                                                                 set_portal_methods):
    refill.config = replace(refill.config, ratelimit_storage_url=_storage_url(storage))
    set_setting(max_failures=3, lockout_minutes=10)
    set_portal_methods(["refill_card"])
    _, (good,) = make_series(1)
    customer, neighbour = factory.customer(), factory.customer()
    app = make_test_app(refill)
    _forget(app, refill, (customer, neighbour))
    server = LiveServer(refill, app)
    try:
        browser = _portal(server, customer)  # one login (a new one ends the others); its tabs share the cookie
        tabs = []
        for _ in range(PARALLEL):
            tabs.append(requests.Session())
            tabs[-1].cookies.update(browser.cookies)
        barrier = threading.Barrier(PARALLEL)
        answers: list[requests.Response] = []

        def guess(tab: requests.Session, n: int) -> None:
            barrier.wait()
            answers.append(tab.post(f"{server.url}/refill-cards/portal/redeem", data={"code": f"202601-X-WRONG{n:03d}"},
                                    allow_redirects=False))

        threads = [threading.Thread(target=guess, args=(tab, n)) for n, tab in enumerate(tabs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        statuses = sorted(answer.status_code for answer in answers)
        assert len(statuses) == PARALLEL and set(statuses) <= {422, 429}
        assert statuses.count(422) <= 2, statuses  # at most max_failures - 1 wrong codes are answered as such
        for answer in answers:
            if answer.status_code == 429:
                assert 0 < int(answer.headers["Retry-After"]) <= 600
                assert "Too many attempts. Try again in " in answer.text
        # locked: even the good code waits, and is not used; the neighbour is not affected
        locked = tabs[0].post(f"{server.url}/refill-cards/portal/redeem", data={"code": good}, allow_redirects=False)
        assert locked.status_code == 429 and "Try again in 10 minutes." in locked.text
        with refill.db.transaction() as session:
            assert session.execute(select(Card.status).where(Card.full_code == good)).scalar_one() == "active"
        other = _portal(server, neighbour).post(f"{server.url}/refill-cards/portal/redeem",
                                                data={"code": "202601-X-WRONG999"}, allow_redirects=False)
        assert other.status_code == 422 and "No refill card has this code" in other.text
        if storage == "redis":  # a second web worker sees the same lockout
            second = LiveServer(refill, make_test_app(refill))
            try:
                again = _portal(second, customer).post(f"{second.url}/refill-cards/portal/redeem", data={"code": good},
                                                       allow_redirects=False)
                assert again.status_code == 429
            finally:
                second.stop()
    finally:
        server.stop()
        _forget(app, refill, (customer, neighbour))
