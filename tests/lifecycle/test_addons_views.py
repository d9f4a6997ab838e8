"""The Add-ons page's server side: search, paging, plan fragment, job start, refresh, info."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import select

from hostapp.app import create_app
from hostapp.models import AuditEntry, Job
from splynx_testing.fixtures import make_test_app

from .conftest import wait_for_job



@pytest.fixture
def admin(lifecycle_host, factory):
    app = make_test_app(lifecycle_host)
    factory.admin(login="root", password="root-password")
    client = app.test_client()
    assert client.post("/admin/login", data={"login": "root", "password": "root-password"}).status_code == 302
    return client


def packages(html: str) -> list[str]:
    return re.findall(r'data-package="([^"]+)"', html)


def test_search_and_paging(admin, lifecycle_host):
    page = admin.get("/admin/config/integrations/add-ons?q=test+add-on").get_data(as_text=True)
    assert packages(page) == ["splynx-bad-migration", "splynx-broken-import", "splynx-demo-pay", "splynx-future-host"]
    assert "Showing 1 to 4 of 4 entries" in page
    found = admin.get("/admin/config/integrations/add-ons?q=imported").get_data(as_text=True)
    assert packages(found) == ["splynx-broken-import"]  # the description matches too
    lifecycle_host.config = dataclasses.replace(lifecycle_host.config, page_size=3)
    second = admin.get("/admin/config/integrations/add-ons?q=test+add-on&page=2").get_data(as_text=True)
    assert packages(second) == ["splynx-future-host"] and "Showing 4 to 4 of 4 entries" in second


def test_plan_fragment_and_confirmed_start(admin, lifecycle_host):
    fragment = admin.get("/admin/config/integrations/add-ons/splynx-future-host/plan/install").get_data(as_text=True)
    assert "data-plan-ok" not in fragment and "needs splynx-host &gt;=99.0" in fragment
    fragment = admin.get("/admin/config/integrations/add-ons/splynx-demo-pay/plan/install").get_data(as_text=True)
    assert "data-plan-ok" in fragment and "splynx-demo-pay" in fragment
    assert admin.get("/admin/config/integrations/add-ons/bash/plan/install").status_code == 404
    assert admin.get("/admin/config/integrations/add-ons/splynx-demo-pay/plan/download").status_code == 404

    started = admin.post("/admin/config/integrations/add-ons/splynx-demo-pay/install", data={"confirm": "1"},
                         headers={"X-Requested-With": "fetch"}).get_json()
    assert started["status_url"] == f"/admin/jobs/{started['job_id']}.json"
    assert f'data-job-url="{started["status_url"]}"' in started["panel"]
    assert wait_for_job(lifecycle_host, started["job_id"])["status"] == "succeeded"
    info = admin.get("/admin/config/integrations/add-ons/splynx-demo-pay/info").get_data(as_text=True)
    assert "splynx_demo_pay_addon" in info and "demo_pay_receipts" in info and "/demo-pay" in info


def test_without_javascript_an_install_asks_on_a_page_and_starts_only_when_confirmed(admin, lifecycle_host):
    catalog = admin.get("/admin/config/integrations/add-ons?q=splynx-demo-pay").get_data(as_text=True)
    confirm_url = "/admin/config/integrations/add-ons/splynx-demo-pay/install"
    assert f'<form method="get" action="{confirm_url}"' in catalog
    # a post that is not the confirmed form (an old page, a crafted request) starts nothing
    unconfirmed = admin.post(confirm_url)
    assert unconfirmed.status_code == 303 and unconfirmed.headers["Location"].endswith(confirm_url)
    with lifecycle_host.db.reading() as session:
        assert session.execute(select(Job)).first() is None
    page = admin.get(confirm_url).get_data(as_text=True)
    assert "Are you sure you want to install splynx-demo-pay?" in page and "data-plan-ok" in page
    assert re.search(r'<input type="hidden" name="confirm" value="1">\s*<a class="btn" '
                     r'href="/admin/config/integrations/add-ons">No, cancel</a>\s*'
                     r'<button class="btn btn-primary" type="submit" >OK, confirm</button>', page)
    refused = admin.get("/admin/config/integrations/add-ons/splynx-future-host/install").get_data(as_text=True)
    assert "needs splynx-host &gt;=99.0" in refused and 'type="submit" disabled>OK, confirm' in refused
    assert admin.get("/admin/config/integrations/add-ons/bash/install").status_code == 404

    started = admin.post(confirm_url, data={"confirm": "1"})
    assert started.status_code == 302
    page = admin.get("/admin/config/integrations/add-ons").get_data(as_text=True)
    assert "Install splynx-demo-pay: the job is queued" in page
    job = wait_for_job(lifecycle_host, int(re.search(r"/admin/jobs/(\d+)", page).group(1)))
    assert job["status"] == "succeeded"


def test_refresh_without_javascript_asks_then_flashes_and_shows_the_job(admin, lifecycle_host):
    unconfirmed = admin.post("/admin/config/integrations/add-ons/refresh")
    assert unconfirmed.status_code == 303 and unconfirmed.headers["Location"].endswith("/add-ons/refresh")
    page = admin.get("/admin/config/integrations/add-ons/refresh").get_data(as_text=True)
    assert "Read the list of add-ons from the package source again?" in page and "OK, confirm" in page
    response = admin.post("/admin/config/integrations/add-ons/refresh", data={"confirm": "1"})
    assert response.status_code == 302
    page = admin.get("/admin/config/integrations/add-ons").get_data(as_text=True)
    assert "Update (wheelhouse): the job is queued" in page
    job = wait_for_job(lifecycle_host, int(re.search(r"/admin/jobs/(\d+)", page).group(1)))
    assert job["status"] == "succeeded" and job["log"] == "4 add-on wheel(s), 4 add-on(s) offered."
    with lifecycle_host.db.transaction() as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "package.refresh")).scalar_one()
        assert (entry.actor, entry.target, entry.details) == ("admin:root", "wheelhouse", {"available": 4})


def test_csrf_is_required_for_package_actions(lifecycle_host, factory):
    app = create_app(lifecycle_host, testing=True)
    factory.admin(login="root", password="root-password")
    client = app.test_client()
    login = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    client.post("/admin/login", data={"login": "root", "password": "root-password", "csrf_token": token})
    assert client.post("/admin/config/integrations/add-ons/splynx-demo-pay/install").status_code == 400
