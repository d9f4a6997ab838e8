"""The root helper's validation and apt-get command line, and the apt backend's side of the pipe.

apt-get itself runs for real only in the Debian packaging test's chroot (root, a signed
repository). Here ``apt-cache policy`` answers are canned text in apt's exact format
(parsed by the real parser), and the Status-Fd relay is driven by a small program that
writes to the descriptor the helper passes, as apt-get does.
"""

from __future__ import annotations

import json
import sys

import pytest

from core.packages import PackageError
from core.packages.apt import AptBackend, host_relations
from core.packages.aptdata import parse_records, parse_simulation
from core.packages.base import host_requirement_problem
from core.packages.root_helper import (
    EX_NOPERM,
    EX_UNKNOWN,
    EX_USAGE,
    AptQuery,
    HelperConfig,
    Refused,
    Request,
    apt_command,
    main,
    run_apt,
    validate,
)

SOURCES = """Package files:
 100 /var/lib/dpkg/status
     release a=now
 500 http://127.0.0.1:8765 trixie/main amd64 Packages
     release o=Splynx,a=trixie,n=trixie,l=Splynx,c=main,b=amd64
     origin 127.0.0.1
 500 http://deb.debian.org/debian trixie/main amd64 Packages
     release v=13.1,o=Debian,a=stable,n=trixie,l=Debian,c=main,b=amd64
     origin deb.debian.org
Pinned packages:
"""
POLICIES = {
    "splynx-ippay": """splynx-ippay:
  Installed: (none)
  Candidate: 1.0.0-1
  Version table:
     1.0.0-1 500
        500 http://127.0.0.1:8765 trixie/main amd64 Packages
""",
    "splynx-icharge": """splynx-icharge:
  Installed: 1.0.0-1
  Candidate: 1.1.0-1
  Version table:
     1.1.0-1 500
        500 http://127.0.0.1:8765 trixie/main amd64 Packages
 *** 1.0.0-1 100
        100 /var/lib/dpkg/status
""",
    # named like an add-on, but offered by another repository
    "splynx-lookalike": """splynx-lookalike:
  Installed: (none)
  Candidate: 2.0-1
  Version table:
     2.0-1 500
        500 http://deb.debian.org/debian trixie/main amd64 Packages
""",
}


class CannedApt(AptQuery):
    """apt-cache answers from the strings above; an unknown package gets apt's empty answer."""

    def _cache(self, *args: str) -> str:
        if args == ("policy",):
            return SOURCES
        return POLICIES.get(args[1], "")


CONFIG = HelperConfig(origin="Splynx", sources="/etc/apt/sources.list.d/splynx.sources", lock_timeout=300)


def refused(*argv: str) -> Refused:
    with pytest.raises(Refused) as caught:
        validate(list(argv), CONFIG, CannedApt())
    return caught.value


@pytest.mark.parametrize("name", ["bash", "splynx-host", "splynx-archive-keyring", "x;rm -rf /", "splynx-IPPAY",
                                  "../splynx-ippay", "splynx-", "splynx-ippay --allow-unauthenticated",
                                  "-oAPT::Get::AllowUnauthenticated=true", "python3-splynx-ippay"])
def test_names_outside_the_addon_prefix_are_refused(name):
    refusal = refused("install", name)
    assert refusal.code == EX_USAGE
    assert "not an add-on package" in str(refusal) or "part of the host" in str(refusal)


def test_addon_names_the_repository_does_not_offer_are_refused():
    lookalike = refused("install", "splynx-lookalike")
    assert lookalike.code == EX_NOPERM
    assert str(lookalike) == ("splynx-lookalike is not offered by the add-on repository "
                              "(Origin Splynx; candidate from ['Debian'])")
    unknown = refused("install", "splynx-nosuch")
    assert (unknown.code, str(unknown)) == (EX_UNKNOWN, "unknown package splynx-nosuch")


def test_usage_and_state_checks():
    assert refused().code == EX_USAGE
    assert refused("download", "splynx-ippay").code == EX_USAGE
    assert refused("install", "splynx-ippay", "splynx-icharge").code == EX_USAGE
    assert refused("update", "splynx-ippay").code == EX_USAGE
    assert str(refused("remove", "splynx-ippay")) == "splynx-ippay is not installed"
    assert str(refused("upgrade", "splynx-ippay")) == "splynx-ippay is not installed"


def test_valid_requests():
    apt = CannedApt()
    assert validate(["install", "splynx-ippay"], CONFIG, apt) == Request("install", "splynx-ippay")
    assert validate(["upgrade", "splynx-icharge"], CONFIG, apt) == Request("upgrade", "splynx-icharge")
    assert validate(["purge", "splynx-icharge"], CONFIG, apt) == Request("purge", "splynx-icharge")
    assert validate(["--dry-run", "install", "splynx-ippay"], CONFIG, apt) == Request("install", "splynx-ippay", True)
    assert validate(["update"], CONFIG, apt) == Request("update")


def test_apt_get_never_accepts_unauthenticated_packages_and_waits_for_the_lock():
    for request in (Request("install", "splynx-ippay"), Request("update"), Request("purge", "splynx-ippay", True)):
        command = apt_command(request, CONFIG, 7)
        assert command[0] == "apt-get"
        assert "DPkg::Lock::Timeout=300" in command and "APT::Get::AllowUnauthenticated=false" in command
        assert not [arg for arg in command if "allow-unauthenticated" in arg.lower() or "force-yes" in arg
                    or "AllowUnauthenticated=true" in arg or "allow-insecure" in arg.lower()]
        assert "APT::Status-Fd=7" in command
    assert apt_command(Request("upgrade", "splynx-icharge"), CONFIG, 7)[-3:] == ["install", "--only-upgrade",
                                                                                 "splynx-icharge"]
    update = apt_command(Request("update"), CONFIG, None)
    assert update[-2:] == ["update", "--error-on=any"]
    assert "Dir::Etc::sourcelist=/etc/apt/sources.list.d/splynx.sources" in update
    assert "Acquire::AllowInsecureRepositories=false" in update
    assert "-s" in apt_command(Request("install", "splynx-ippay", True), CONFIG, None)


def test_main_prints_the_refusal_and_never_runs_apt(capsys):
    def runner(*_args):
        raise AssertionError("apt-get must not run for a refused request")

    assert main(["install", "bash"], config=CONFIG, apt=CannedApt(), runner=runner) == EX_USAGE
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert events[0]["event"] == "error" and "not an add-on package" in events[0]["message"]
    assert events[-1] == {"event": "exit", "code": EX_USAGE}


def test_status_fd_and_output_are_relayed_as_json_lines(capsys):
    def fake_apt_get(request, config, status_fd):
        script = ("import os, sys; fd = int(sys.argv[1]); "
                  "os.write(fd, b'dlstatus:1:50.0000:Retrieving file 1 of 1\\n'); "
                  "print('Setting up splynx-ippay (1.0.0-1) ...', flush=True); "
                  "os.write(fd, b'pmstatus:splynx-ippay:80.0000:Installed splynx-ippay (all)\\n'); sys.exit(0)")
        return [sys.executable, "-c", script, str(status_fd)]

    assert main(["install", "splynx-ippay"], config=CONFIG, apt=CannedApt(),
                runner=lambda cf, request, config: run_apt(fake_apt_get, request, config)) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"event": "log", "line": "Setting up splynx-ippay (1.0.0-1) ..."} in events
    assert {"event": "status", "kind": "pmstatus", "item": "splynx-ippay", "percent": 80.0,
            "message": "Installed splynx-ippay (all)"} in events
    assert events[-1] == {"event": "exit", "code": 0}


def test_helper_config_file(tmp_path):
    path = tmp_path / "addon-helper.conf"
    path.write_text("# add-on repository\norigin = Example ISP\nlock_timeout = 60  # seconds\n")
    assert HelperConfig.load(path) == HelperConfig(origin="Example ISP", sources="", lock_timeout=60)
    assert HelperConfig.load(tmp_path / "missing.conf") == HelperConfig()


class Recorder:
    def __init__(self):
        self.lines, self.percents = [], []

    def log(self, line):
        self.lines.append(line)

    def progress(self, percent):
        self.percents.append(percent)


def stand_in_helper(tmp_path, events: list[dict], code: int) -> list[str]:
    """A program speaking the helper's JSON lines (sudo and apt cannot run in the test)."""
    script = tmp_path / "helper.py"
    script.write_text("import json, sys\n"
                      f"for event in {events!r}:\n    print(json.dumps(event))\n"
                      f"print(json.dumps({{'event': 'exit', 'code': {code}}}))\nsys.exit({code})\n")
    return [sys.executable, str(script)]


def test_apt_backend_turns_helper_events_into_log_and_progress(tmp_path):
    helper = stand_in_helper(tmp_path, [
        {"event": "status", "kind": "dlstatus", "item": "1", "percent": 100.0, "message": "Retrieving file 1 of 1"},
        {"event": "log", "line": "Unpacking splynx-ippay (1.0.0-1) ..."},
        {"event": "status", "kind": "pmstatus", "item": "splynx-ippay", "percent": 50.0, "message": "Configuring"},
    ], 0)
    out = Recorder()
    AptBackend(helper=helper, config=CONFIG).run("install", "splynx-ippay", out)
    assert out.percents == [30.0, 65.0]
    assert out.lines == ["Unpacking splynx-ippay (1.0.0-1) ...", "… Configuring"]


def test_apt_backend_reports_refusals_and_apt_errors(tmp_path):
    refusal = stand_in_helper(tmp_path, [{"event": "error", "message": "unknown package splynx-nosuch"}], 65)
    with pytest.raises(PackageError, match="unknown package splynx-nosuch"):
        AptBackend(helper=refusal, config=CONFIG).run("install", "splynx-nosuch", Recorder())
    locked = stand_in_helper(tmp_path, [{"event": "log", "line": "E: Could not get lock /var/lib/dpkg/lock-frontend"}],
                             100)
    with pytest.raises(PackageError, match="Could not get lock"):
        AptBackend(helper=locked, config=CONFIG).run("remove", "splynx-ippay", Recorder())
    with pytest.raises(PackageError, match="not an add-on package"):
        AptBackend(helper=["false"], config=CONFIG).run("install", "bash", Recorder())


def test_apt_simulation_becomes_the_plan(tmp_path):
    simulation = ["NOTE: This is only a simulation!", "Need to get 12.3 kB of archives.",
                  "Inst splynx-host [1.0.0-1] (1.1.0-1 Splynx:trixie [all])",
                  "Inst splynx-ippay (1.0.0-1 Splynx:trixie [all])", "Conf splynx-ippay (1.0.0-1 Splynx:trixie [all])"]
    helper = stand_in_helper(tmp_path, [{"event": "log", "line": line} for line in simulation], 0)
    plan = AptBackend(helper=helper, config=CONFIG).plan("reinstall", "splynx-ippay")
    assert plan.ok and plan.download_size == 12300
    assert [(c.name, c.change, c.from_version, c.version) for c in plan.changes] == [
        ("splynx-host", "upgrade", "1.0.0-1", "1.1.0-1"), ("splynx-ippay", "install", "", "1.0.0-1")]


def test_apt_text_parsing():
    unmet = parse_simulation("The following packages have unmet dependencies:\n"
                             " splynx-ippay : Depends: splynx-host (>= 2.0) but 1.0.0-1 is to be installed\n"
                             "E: Unable to correct problems, you have held broken packages.\n")
    assert unmet.errors == ["splynx-ippay : Depends: splynx-host (>= 2.0) but 1.0.0-1 is to be installed",
                            "Unable to correct problems, you have held broken packages."]
    removal = parse_simulation("Remv splynx-ippay [1.0.0-1]\nPurg splynx-icharge [1.1.0-1]\n")
    assert [(c.name, c.change) for c in removal.changes] == [("splynx-ippay", "remove"), ("splynx-icharge", "remove")]
    records = parse_records("Package: splynx-ippay\nVersion: 1.0.0-1\nInstalled-Size: 120\n"
                            "Depends: splynx-host (>= 1.0), python3-requests\n"
                            "Description: IPpay gateway\n long text\n\nPackage: splynx-icharge\nVersion: 1.1.0-1\n")
    assert records[0]["Description"] == "IPpay gateway\nlong text" and records[1]["Version"] == "1.1.0-1"
    assert host_relations(records[0]["Depends"]) == ">=1.0"
    assert host_relations("splynx-host (>= 2:1.2-1), splynx-host (<< 3)") == ">=1.2,<3"
    assert host_requirement_problem("splynx-ippay", "1.0.0-1", host_relations("splynx-host (>= 2.0)"), "1.0.0") == (
        "splynx-ippay 1.0.0-1 needs splynx-host >=2.0, but this host runs 1.0.0. Upgrade the host first.")
    assert host_requirement_problem("splynx-ippay", "1.0.0-1", ">=1.0,<2", "1.0.0") is None


class CannedAptBackend(AptBackend):
    """The apt backend reading canned apt-cache and dpkg-query output (their exact formats)."""

    def _read(self, *command: str) -> str:
        if command[:2] == ("apt-cache", "search"):
            return "splynx-host - ISP billing host\nsplynx-ippay - IPpay gateway\nsplynx-lookalike - not ours\n"
        if command == ("apt-cache", "policy"):
            return SOURCES
        if command[:2] == ("apt-cache", "policy"):
            return "".join(POLICIES.get(name, "") for name in command[2:])
        if command[:2] == ("apt-cache", "show"):
            return ("Package: splynx-ippay\nVersion: 1.0.0-1\nInstalled-Size: 120\nSize: 20480\n"
                    "Depends: splynx-host (>= 99.0), python3-requests\nDescription: IPpay gateway add-on\n"
                    " Cards and bank accounts.\n\n"
                    "Package: splynx-lookalike\nVersion: 2.0-1\nInstalled-Size: 10\nDescription: not ours\n")
        if command[0] == "dpkg-query":
            return "splynx-icharge\t1.0.0-1\t96\tii \nsplynx-gone\t0.9\t10\trc \nsplynx-host\t1.0.0-1\t900\tii \n"
        raise AssertionError(command)


def test_apt_catalog_lists_only_addons_of_the_configured_repository():
    backend = CannedAptBackend(helper=["false"], config=CONFIG)
    assert [(p.name, p.version, p.description, p.installed_size, p.download_size, p.requires_host)
            for p in backend.available()] == [
        ("splynx-ippay", "1.0.0-1", "IPpay gateway add-on", 120 * 1024, 20480, ">=99.0")]
    assert [(p.name, p.version) for p in backend.installed()] == [("splynx-icharge", "1.0.0-1")]
    plan = backend.plan("install", "splynx-ippay")  # refused before the helper is asked
    assert plan.problems == ["splynx-ippay 1.0.0-1 needs splynx-host >=99.0, but this host runs 1.0.0. "
                             "Upgrade the host first."]
