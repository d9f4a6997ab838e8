"""Install test: splynx-host and its add-ons as Debian 13 packages, from a signed repository.

Builds the .debs (dh-python in a trixie build root), publishes them with reprepro under a
throwaway key, unpacks a minimal trixie root (mmdebstrap, cached), adds the repository with
Signed-By and then, inside the root: installs the add-on with apt-get (pulling splynx-host
and Debian's python3 packages), lists add-ons, runs the web service as its unit says and
fetches pages over HTTP, checks the sudo rule of the root helper, installs a second add-on
from the web UI (apt backend, sudo, root helper) while the app runs, upgrades the add-on to a
newer build (settings survive), removes it (data kept), purges it (data and settings gone)
and purges the host. Nothing is mocked; the machine has no systemd, so services are started
by hand from their unit files (systemd_unit.py).

Needs root. Run with ``make test-debian``; the steps run in file order and share one root,
so after a failed step the rest are skipped (conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from scenario import HELPER, REPO, Scenario
from systemd_unit import Unit
from web_client import WebClient

ADDONS_PAGE = "/admin/config/integrations/add-ons"
CACHE = Path(os.environ.get("DEB_CACHE", "/var/cache/splynx-debian"))  # roots.sh's default too


@pytest.fixture(scope="module")
def world(request):
    scenario = Scenario(REPO / "build" / "test-debian", CACHE)
    yield scenario
    scenario.close()
    print("\n" + scenario.report())
    (REPO / "build" / "test-debian-times.txt").write_text(scenario.report() + "\n")
    if not request.session.testsfailed and not os.environ.get("KEEP_TEST_ROOT"):
        shutil.rmtree(scenario.work, ignore_errors=True)


def test_build_all_packages(world):
    """Host + every add-on in plugins/ (+ the fixture add-on when splynx-ippay is absent), lintian clean."""
    extra = [] if world.primary.deb in world.addons else ["--plugin", str(world.primary.source.path)]
    world.prepare_base()
    with world.clock("build all"):
        world.build_debs(world.debs, "--all", *extra)
    names = {deb.name.split("_")[0] for deb in world.debs.glob("*.deb")}
    assert {"splynx-host", world.primary.deb} | set(world.addons) <= names
    version = ["--set-version", world.primary.upgrade_version] if world.primary.upgrade_version else []
    with world.clock("build upgrade"):
        world.build_debs(world.debs_v2, "--plugin", str(world.primary.upgrade_dir), *version, "--no-lint")
    assert (world.debs_v2 / f"{world.primary.deb}_{world.primary.upgrade_deb_version}_all.deb").exists()


def test_signed_repository(world):
    with world.clock("repo"):
        world.publish(sorted(world.debs.glob("*.deb")))
    dists = world.repo / "dists" / "trixie"
    assert (dists / "InRelease").read_text().startswith("-----BEGIN PGP SIGNED MESSAGE-----")
    assert (dists / "Release.gpg").exists()
    assert (world.repo / "splynx-archive-keyring.gpg").stat().st_size > 0


def test_trixie_root(world):
    with world.clock("chroot"):
        world.unpack_base()
    assert "VERSION_CODENAME=trixie" in world.root.host_path("/etc/os-release").read_text()
    assert world.dpkg_status("python3")[0] == "not-installed", "the install has to pull python3 itself"


def test_apt_get_install_addon(world):
    """``apt-get install -y <add-on>`` pulls splynx-host and Debian's python3 stack; postinst migrates."""
    url = world.serve_repo()
    keyring = world.root.host_path("/etc/apt/keyrings/splynx-archive-keyring.gpg")
    keyring.parent.mkdir(parents=True, exist_ok=True)
    keyring.write_bytes((world.repo / "splynx-archive-keyring.gpg").read_bytes())
    world.root.host_path("/etc/apt/sources.list.d/splynx.sources").write_text(
        f"Types: deb\nURIs: {url}\nSuites: trixie\nComponents: main\n"
        "Signed-By: /etc/apt/keyrings/splynx-archive-keyring.gpg\n")
    with world.clock("install"):
        world.apt("update", "--error-on=any")
        out = world.apt("install", world.primary.deb)
    assert "python3-flask" in out and "python3-sqlalchemy" in out, "Debian's python3 packages were not pulled"
    assert world.dpkg_status("splynx-host")[0] == "install ok installed"
    assert world.dpkg_status(world.primary.deb) == ("install ok installed", world.primary.source.deb_version)
    world.install_probe()
    state = world.probe("state", world.primary.id)
    assert state["module"] == {"status": "enabled", "version": world.primary.source.version}
    assert world.root.run(["stat", "-c", "%U:%G %a", "/var/lib/splynx"]).stdout.split() == ["splynx:splynx", "750"]
    assert world.root.run(["stat", "-c", "%U:%G %a", "/etc/splynx/splynx.env"]).stdout.split() == ["root:splynx", "640"]
    assert world.root.run(["stat", "-c", "%a", "/etc/sudoers.d/splynx-addons"]).stdout.strip() == "440"


def test_splynx_addons_list(world):
    listing = world.splynx("addons", "list").stdout
    row = next((line.split() for line in listing.splitlines() if line.startswith(world.primary.id + " ")), None)
    assert row, listing
    assert row[1:4] == [world.primary.deb, world.primary.source.version, "enabled"], listing


def test_web_service_serves_pages(world):
    """splynx-web's ExecStart (gunicorn) as user splynx: the admin login and the add-on's prefix."""
    with world.clock("web"):
        world.start_web()
        login = world.get("/admin/login")
        addon = world.get(world.primary.prefix)
    assert login.status == 200 and "password" in login.body.lower(), (login.status, world.web_log())
    assert addon.status != 404 and addon.status < 500, (addon.status, addon.body[:500], world.web_log())


def test_worker_unit_is_guarded(world):
    """splynx-worker is skipped (not failed) while splynx.env configures no SPLYNX_BROKER_URL."""
    unit = Unit.read(world.root.path, "splynx-worker.service")
    assert unit.exec_condition, "the worker unit must be guarded by ExecCondition"
    condition = world.root.run(unit.command(world.root.path, unit.exec_condition), user=unit.user, check=False)
    assert 1 <= condition.returncode <= 254, condition.stdout  # systemd: skip the unit, do not fail it
    assert world.splynx("worker", "--help", check=False).returncode == 0


def test_scheduled_charge_timer_runs_the_auto_charge_filters(world):
    """A daily timer at 23:59 starts splynx-charge.service, which runs the due auto charge filters."""
    timer = (world.root.path / "usr/lib/systemd/system/splynx-charge.timer").read_text()
    assert "OnCalendar=*-*-* 23:59:00" in timer
    unit = Unit.read(world.root.path, "splynx-charge.service")
    result = world.root.run(unit.command(world.root.path, unit.exec_start), user=unit.user, check=False)
    assert result.returncode == 0, result.stdout


def test_root_helper_sudo_rule(world):
    """User splynx may run exactly the add-on helper as root, and nothing else."""
    rules = world.root.run(["sudo", "-n", "-l"], user="splynx").stdout
    apt = world.root.run(["sudo", "-n", "/usr/bin/apt-get", "--version"], user="splynx", check=False)
    assert f"(root) NOPASSWD: {HELPER}" in rules, rules
    assert apt.returncode != 0 and "password is required" in apt.stdout, apt.stdout


def test_install_second_addon_from_the_web_ui(world):
    """Config → Integrations → Add-ons → Install splynx-refill-cards while the app runs.

    The running web app's apt backend runs the root helper through sudo as user splynx; the
    new add-on's admin page (its first admin entry point) is served without restarting the app.
    """
    package, addon_id = world.via_web_ui.deb_name, world.via_web_ui.id
    seeded = world.splynx("demo", "--no-serve").stdout  # the demo administrator signs in below
    login, password = re.search(r"login (\S+) / password (\S+)", seeded).groups()
    browser = WebClient(world.web_url)
    assert browser.login("/admin/login", login, password).status == 302
    catalog = browser.get(ADDONS_PAGE)
    assert catalog.status == 200 and package in catalog.body, catalog.status
    with world.clock("web install"):
        started = browser.post(f"{ADDONS_PAGE}/{package}/install", {"csrf_token": browser.csrf_token(catalog)},
                               {"X-Requested-With": "fetch"})
        assert started.status == 200, (started.status, started.body[:500])
        status_url = started.json()["status_url"]
        deadline = time.monotonic() + 600
        while (job := browser.get(status_url).json())["status"] not in ("succeeded", "failed"):
            assert time.monotonic() < deadline, job
            time.sleep(0.5)
    print(job["log"])
    assert job["status"] == "succeeded", job
    assert world.dpkg_status(package)[0] == "install ok installed"
    state = world.probe("state", addon_id)
    assert state["module"]["status"] == "enabled"
    admin_urls = [url for place, url in state["urls"] if place == "admin" and url.startswith("/")]
    assert admin_urls, f"{package} registered no admin entry point to open"
    page = browser.get(admin_urls[0])  # same app process: no restart
    assert page.status == 200, (admin_urls[0], page.status, world.web_log())


def test_upgrade_keeps_settings(world):
    addon = world.primary
    key = world.probe("text-field", addon.id)["key"]
    if key:
        world.splynx("addons", "config", addon.id, f"{key}=kept across the upgrade")
    before = world.probe("state", addon.id)
    with world.clock("upgrade"):
        world.publish(sorted(world.debs_v2.glob("*.deb")), add=True)
        world.apt("update", "--error-on=any")
        world.apt("install", "--only-upgrade", addon.deb)
    after = world.probe("state", addon.id)
    assert world.dpkg_status(addon.deb) == ("install ok installed", addon.upgrade_deb_version)
    assert after["module"]["status"] == "enabled" and after["module"]["version"] != before["module"]["version"]
    assert set(before["settings"].items()) <= set(after["settings"].items()), (before, after)
    if key:
        assert after["settings"][key] == '"kept across the upgrade"', after
    assert set(before["tables"]) <= set(after["tables"])
    world.restart_web()
    page = world.get(addon.prefix)
    assert page.status != 404 and page.status < 500, (page.status, world.web_log())


def test_remove_keeps_data(world):
    addon = world.primary
    before = world.probe("state", addon.id)
    with world.clock("remove"):
        world.apt("remove", addon.deb)
    after = world.probe("state", addon.id)
    assert world.dpkg_status(addon.deb)[0] != "install ok installed"
    assert after["module"]["status"] == "removed", after
    assert after["settings"] == before["settings"] and after["tables"] == before["tables"]
    listing = world.splynx("addons", "list").stdout
    assert any(line.startswith(addon.id + " ") and "removed" in line for line in listing.splitlines()), listing
    world.restart_web()
    assert world.get(addon.prefix).status == 404


def test_purge_drops_data_and_settings(world):
    addon = world.primary
    before = world.probe("state", addon.id)
    with world.clock("purge"):
        out = world.apt("purge", addon.deb)
    after = world.probe("state", addon.id)
    assert world.dpkg_status(addon.deb)[0] == "not-installed"
    assert before["tables"] or before["settings"], "nothing to purge: the test would prove nothing"
    assert after == {"module": None, "tables": [], "settings": {}, "urls": []}, (after, out)


def test_purge_host(world):
    world.stop_web()
    with world.clock("purge host"):
        world.apt("purge", "splynx-host")
    assert world.dpkg_status("splynx-host")[0] == "not-installed"
    assert not world.root.host_path("/var/lib/splynx").exists()
    assert not world.root.host_path("/etc/splynx").exists()
    assert not world.root.host_path("/etc/sudoers.d/splynx-addons").exists()
    assert "/etc/splynx" not in world.root.run(["dpkg-statoverride", "--list"], check=False).stdout
