"""Install test: splynx-host and its add-ons as Debian 13 packages, from a signed repository.

Builds the .debs (dh-python in a trixie build root), publishes them with reprepro under a
throwaway key, unpacks a minimal trixie root (mmdebstrap, cached), adds the repository with
Signed-By and then, inside the root: installs the add-on with apt-get (pulling splynx-host
and Debian's python3 packages; the Python packages land in the private /usr/share/splynx-host),
lists add-ons, builds and installs an add-on fresh from ``splynx addons new``, shows that a
failed database migration leaves splynx-host unconfigured until it is fixed, drops a shadowing ``core`` and ``hostapp`` into /usr/local and PYTHONPATH
(never imported), runs the web service as its unit says and fetches pages over HTTP, starts
the add-on helper service as its unit says and checks who may ask it what, installs a second
add-on from the web UI (apt backend, helper service) while the app runs, upgrades the add-on
to a newer build (settings survive), removes it (data kept), purges it (data and settings
gone) and purges the host together with the second add-on on the loopback PostgreSQL (the
add-on's tables go while splynx still exists). Last, piuparts installs, upgrades and purges
every package in a root of its own (piuparts_run.py). Nothing is mocked; the machine has no
systemd, so services are started by hand from their unit files (systemd_unit.py).

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

import piuparts_run
from scenario import APP_DIR, HELPER_SOCKET, REPO, Scenario
from systemd_unit import Unit
from web_client import WebClient

from build_debs import api_version, host_version  # noqa: I001 - importable once scenario put packaging/debian on the path

HELPER_SERVICE = "core/packages/helper_service.py"
SHADOW_MARK = "/var/tmp/splynx-shadow-imported"
SHADOW = ('import sys\nwith open("/var/tmp/splynx-shadow-imported", "a") as mark:\n'
          '    mark.write(repr(sys.argv) + "\\n")\nraise ImportError("a shadowing copy was imported")\n')
ADDONS_PAGE = "/admin/config/integrations/add-ons"
#: the newer splynx-host that piuparts upgrades the published one to
HOST_UPGRADE = f"{host_version()}+test1"
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
        world.build_debs(world.debs_v2, "--host", "--set-version", HOST_UPGRADE, "--no-lint", "--no-check")
    assert (world.debs_v2 / f"{world.primary.deb}_{world.primary.upgrade_deb_version}_all.deb").exists()
    assert (world.debs_v2 / f"splynx-host_{HOST_UPGRADE}_all.deb").exists()
    api = world.primary.source
    [host_deb] = world.debs.glob("splynx-host_*.deb")
    [addon_deb] = world.debs.glob(f"{world.primary.deb}_*.deb")
    assert f"splynx-addon-api (= {api_version()})" in world.deb_field(host_deb, "Provides")
    assert (f"splynx-addon-api (>= {api.api_min}), splynx-addon-api (<< {api.api_max})"
            in world.deb_field(addon_deb, "Depends"))


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
    assert world.root.run(["stat", "-c", "%U:%G %a", "/var/lib/splynx/splynx.db"]).stdout.split() == ["splynx:splynx", "640"]
    assert world.dpkg_status("sudo")[0] == "not-installed", "splynx-host must not pull sudo"


def test_python_packages_are_private(world):
    """core, hostapp and the add-on live in /usr/share/splynx-host; nothing in dist-packages."""
    owned = world.root.run(["sh", "-c", "dpkg -L splynx-host " + world.primary.deb]).stdout.splitlines()
    assert f"{APP_DIR}/core/__init__.py" in owned and f"{APP_DIR}/hostapp/__init__.py" in owned
    assert any(p.startswith(f"{APP_DIR}/{world.primary.source.import_package}/") for p in owned), owned
    assert not [p for p in owned if "-packages/" in p], "Python files in a public site folder"


def test_splynx_addons_list(world):
    listing = world.splynx("addons", "list").stdout
    row = next((line.split() for line in listing.splitlines() if line.startswith(world.primary.id + " ")), None)
    assert row, listing
    assert row[1:4] == [world.primary.deb, world.primary.source.version, "enabled"], listing


def test_a_generated_addon_builds_and_installs(world):
    """What ``splynx addons new`` writes builds into a lintian-clean .deb that apt installs beside the host.

    The add-on's own tests run in tests/framework/test_addon_kit.py (they need the test kit, which
    the build root has no reason to carry), so its build here skips them.
    """
    from click.testing import CliRunner

    from core.identity import AddonIdentity
    from hostapp.cli import cli

    kit = AddonIdentity("acmepay")
    folder = world.work / kit.dist_name
    generated = CliRunner().invoke(cli, ["addons", "new", kit.id, "--kind", "gateway", "--dir", str(folder)])
    assert generated.exit_code == 0, generated.output
    out = world.work / "debs-generated"
    with world.clock("build generated add-on"):
        world.build_debs(out, "--plugin", str(folder), "--no-check")
    [deb] = out.glob(f"{kit.deb_name}_*_all.deb")
    assert f"splynx-addon-api (>= {api_version()})" in world.deb_field(deb, "Depends")
    shutil.copy(deb, world.root.host_path(f"/tmp/{deb.name}"))
    with world.clock("install generated add-on"):
        world.apt("install", f"/tmp/{deb.name}")
    listing = world.splynx("addons", "list").stdout
    row = next((line.split() for line in listing.splitlines() if line.startswith(kit.id + " ")), None)
    assert row and row[1] == kit.deb_name and row[3] == "enabled", listing
    world.apt("purge", kit.deb_name)
    assert world.dpkg_status(kit.deb_name)[0] == "not-installed"


def test_failed_migration_leaves_the_host_unconfigured(world):
    """postinst exits non-zero when ``splynx db upgrade`` fails; ``dpkg --configure -a`` finishes it later."""
    env = world.root.host_path("/etc/splynx/splynx.env")
    settings = env.read_text()
    env.write_text(settings.replace("SPLYNX_DATABASE_URL=sqlite:////var/lib/splynx/splynx.db",
                                    "SPLYNX_DATABASE_URL=sqlite:////nonexistent/splynx.db"))
    failed = world.root.run(["apt-get", "-q", "-y", "-o", "Dpkg::Use-Pty=0", "install", "--reinstall", "splynx-host"],
                            check=False)
    env.write_text(settings)
    assert failed.returncode != 0 and "dpkg --configure -a" in failed.stdout, failed.stdout
    assert world.dpkg_status("splynx-host")[0] == "install ok half-configured", failed.stdout
    world.root.run(["dpkg", "--configure", "-a"])
    assert world.dpkg_status("splynx-host")[0] == "install ok installed"


def test_shadowing_modules_are_never_imported(world):
    """A ``core`` and a ``hostapp`` in /usr/local's dist-packages and on PYTHONPATH stay unused.

    They record any import in SHADOW_MARK; the last step checks that nothing did, after the
    CLI, the web service, the helper service and the maintainer scripts have all run.
    """
    for folder in ("/usr/local/lib/python3.13/dist-packages", "/usr/local/lib/splynx-shadow"):
        for package in ("core", "hostapp"):
            module = world.root.host_path(f"{folder}/{package}/__init__.py")
            module.parent.mkdir(parents=True, exist_ok=True)
            module.write_text(SHADOW)
    listing = world.root.run(["env", "PYTHONPATH=/usr/local/lib/splynx-shadow", "PYTHONSAFEPATH=",
                              "splynx", "addons", "list"])
    assert world.primary.id in listing.stdout
    assert not world.root.host_path(SHADOW_MARK).exists()


def test_web_service_serves_pages(world):
    """splynx-web's ExecStart (gunicorn) as user splynx: the admin login, the add-on's prefix and
    the icon set from Debian's fonts-font-awesome (a dependency, served from /usr/share)."""
    with world.clock("web"):
        world.start_web()
        login = world.get("/admin/login")
        addon = world.get(world.primary.prefix)
        icons = world.get("/vendor/font-awesome/css/font-awesome.min.css")
    assert world.root.host_path("/usr/share/fonts-font-awesome/css/font-awesome.min.css").is_file()
    assert icons.status == 200 and "4.7.0" in icons.body, (icons.status, world.web_log())
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


def test_addon_helper_service(world):
    """The helper's socket is root:splynx 0660; it answers user splynx only, and only about add-ons."""
    world.start_helper()
    assert world.root.run(["stat", "-c", "%U:%G %a", HELPER_SOCKET]).stdout.split() == ["root:splynx", "660"]
    stranger = world.ask_helper(["update"], user="nobody")
    assert stranger[0]["event"] == "connect-failed" and "Permission denied" in stranger[0]["output"], stranger
    bash = world.ask_helper(["install", "bash"], user="splynx")
    assert bash[-1] == {"event": "exit", "code": 64} and "not an add-on package" in bash[0]["message"], bash
    host = world.ask_helper(["remove", "splynx-host"], user="splynx")
    assert host[-1] == {"event": "exit", "code": 64} and "part of the host" in host[0]["message"], host
    garbage = world.ask_helper([], user="splynx", raw='{"argv": ["install"], "as": "root"}\n')
    assert garbage[-1]["code"] == 64 and "must be" in garbage[0]["message"], garbage
    offered = world.via_web_ui.deb_name if world.via_web_ui else world.primary.deb
    plan = world.ask_helper(["--dry-run", "install", offered], user="splynx")
    assert plan[-1] == {"event": "exit", "code": 0}, plan


def test_install_second_addon_from_the_web_ui(world):
    """Config → Integrations → Add-ons → Install splynx-refill-cards while the app runs.

    The running web app's apt backend asks the add-on helper service over its socket; the
    new add-on's admin page (its first admin entry point) is served without restarting the app.
    """
    assert world.root.host_path(f"{APP_DIR}/{HELPER_SERVICE}").exists()
    package, addon_id = world.via_web_ui.deb_name, world.via_web_ui.id
    seeded = world.splynx("demo", "--no-serve").stdout  # the demo administrator signs in below
    login, password = re.search(r"login (\S+) / password (\S+)", seeded).groups()
    browser = WebClient(world.web_url)
    assert browser.login("/admin/login", login, password).status == 302
    catalog = browser.get(ADDONS_PAGE)
    assert catalog.status == 200 and package in catalog.body, catalog.status
    with world.clock("web install"):
        # the confirm dialog's "OK, confirm" (a post without confirm=1 only leads to the confirm page)
        started = browser.post(f"{ADDONS_PAGE}/{package}/install",
                               {"csrf_token": browser.csrf_token(catalog), "confirm": "1"}, {"X-Requested-With": "fetch"})
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
        world.publish(sorted(world.debs_v2.glob(f"{addon.deb}_*.deb")), add=True)
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


def test_purge_host(world, postgresql):
    """Purging the host purges the add-ons installed with it, their data first, on PostgreSQL too.

    The database moves to a PostgreSQL database on the build machine's loopback (the chroot
    shares its network). apt removes every package before it purges any, so an add-on drops
    its tables while splynx still exists (its postrm sees the host's selection "purge"). The
    host's own tables stay in an external database, left to its administrator; a SQLite
    database goes with /var/lib/splynx.
    """
    world.stop_web()
    along = [addon for addon in world.addons.values() if world.dpkg_status(addon.deb_name)[0] == "install ok installed"]
    assert along, "no add-on is installed with the host: the test would prove nothing"
    world.apt("install", "python3-psycopg")
    env = world.root.host_path("/etc/splynx/splynx.env")
    env.write_text(env.read_text().replace("SPLYNX_DATABASE_URL=sqlite:////var/lib/splynx/splynx.db",
                                           f"SPLYNX_DATABASE_URL={postgresql.url}"))
    world.splynx("db", "upgrade")
    tables = {addon.id: world.probe("state", addon.id)["tables"] for addon in along}
    assert all(tables.values()), f"an add-on has no tables on PostgreSQL: {tables}"
    with world.clock("purge host"):
        out = world.apt("purge", "splynx-host")
    assert world.dpkg_status("splynx-host")[0] == "not-installed"
    remaining = postgresql.tables()
    for addon in along:
        assert world.dpkg_status(addon.deb_name)[0] == "not-installed"
        assert f"{addon.id}: tables, settings and entry points deleted." in out, out
        assert not set(tables[addon.id]) & remaining, (addon.id, sorted(remaining))
    assert "modules" in remaining, "the host's own tables stay in an external database"
    assert "stay in a MariaDB or PostgreSQL database" not in out, out
    assert not world.root.host_path("/var/lib/splynx").exists()
    assert not world.root.host_path("/etc/splynx").exists()
    assert not world.root.host_path(APP_DIR).exists()
    assert "/etc/splynx" not in world.root.run(["dpkg-statoverride", "--list"], check=False).stdout


def test_shadowing_modules_were_never_imported(world):
    mark = world.root.host_path(SHADOW_MARK)
    assert not mark.exists(), f"a shadowing core or hostapp was imported by: {mark.read_text()}"


def test_piuparts(world):
    """piuparts: install and purge every package, and upgrade each from its first build to a newer one.

    The previous versions are splynx-host and every add-on as first built, in a signed repository
    of their own; the newer ones are splynx-host built as HOST_UPGRADE and the primary add-on's
    upgrade, with the other add-ons as built.
    """
    previous = world.work / "previous-repo"
    world.publish(sorted(world.debs.glob("*.deb")), repo=previous)
    newer = {deb.name.split("_")[0]: deb for deb in sorted(world.debs.glob("*.deb"))}
    newer.update({deb.name.split("_")[0]: deb for deb in sorted(world.debs_v2.glob("*.deb"))})
    with world.clock("piuparts"):
        base = world.piuparts_base(piuparts_run.debian_dependencies(list(newer.values())))
        verdicts = piuparts_run.run(list(newer.values()), previous, base, world.mirror(), world.work / "piuparts")
    world.notes.append("piuparts: " + "; ".join([f"PASS: {p}" for p in verdicts.passed] +
                                                [f"FAIL: {f}" for f in verdicts.failed]))
    assert verdicts.returncode == 0 and not verdicts.failed, verdicts.tail()
    assert verdicts.passed == ["Installation and purging test", "Installation, upgrade and purging tests",
                               "All tests"], verdicts.tail()
