"""The ``splynx`` command line as an operator runs it: a real subprocess with SPLYNX_* settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SPLYNX = [sys.executable, "-c", "from hostapp.cli import main; main()"]


@pytest.fixture
def run(tmp_path):
    """Run the CLI against its own instance folder and SQLite file (the shared test DB stays untouched)."""
    env = {**os.environ, "SPLYNX_INSTANCE_PATH": str(tmp_path / "instance"),
           "SPLYNX_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run_cli(*args, ok=True):
        result = subprocess.run([*SPLYNX, *args], env=env, capture_output=True, text=True, timeout=120,
                                cwd=Path(__file__).parent.parent)
        if ok:
            assert result.returncode == 0, result.stderr
        return result

    return run_cli


def test_help_lists_the_commands(run):
    out = run("--help").stdout
    for command in ("serve", "db", "demo", "addons"):
        assert f"  {command} " in out
    addons = run("addons", "--help").stdout
    for command in ("list", "sync", "enable", "disable", "config"):
        assert f"  {command} " in addons


def test_demo_seeds_and_prints_credentials(run):
    out = run("demo", "--no-serve", "--port", "8099").stdout
    assert "Admin UI:        http://127.0.0.1:8099/admin/   login admin / password admin-demo" in out
    assert "login demo01 … demo30 / password portal-demo" in out
    assert "already present" in run("demo", "--no-serve").stdout


def test_db_upgrade_and_addons_list(run):
    assert "is up to date" in run("db", "upgrade").stdout
    run("addons", "sync")
    listing = run("addons", "list").stdout.splitlines()
    assert listing[0].split() == ["ID", "PACKAGE", "VERSION", "STATUS", "TITLE"] or listing == ["No add-ons installed."]
    assert all(" broken " not in line for line in listing)


def test_config_of_unknown_addon_is_a_clear_error(run):
    result = run("addons", "config", "nosuch", ok=False)
    assert result.returncode != 0 and "add-on 'nosuch' is not installed" in result.stderr


def test_admins_add_creates_a_login_that_works(run):
    run("db", "upgrade")
    out = run("admins", "add", "noc", "--name", "NOC Team", "--password", "long-enough-pw").stdout
    assert out == "Administrator noc created; log in at /admin/login.\n"
    again = run("admins", "add", "noc", "--name", "x", "--password", "long-enough-pw", ok=False)
    assert "an administrator 'noc' already exists" in again.stderr
    short = run("admins", "add", "ops", "--name", "x", "--password", "short", ok=False)
    assert "at least 8 characters" in short.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_demo_refuses_a_taken_port_before_starting_anything(run):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("demo", "--port", str(_free_port()), "--plugins", "plugins",
                     "--simulator-port", f"ippay={port}", ok=False)
    assert result.returncode == 1
    assert f"The ippay simulator cannot listen on 127.0.0.1:{port}: Address already in use." in result.stderr
    assert "Demo data" not in result.stdout  # nothing was seeded or started
    bad = run("demo", "--plugins", "plugins", "--simulator-port", "paypal=9000", ok=False)
    assert bad.returncode == 2 and "'paypal' has no simulator here; the simulators are: icharge, intentpay, ippay" in bad.stderr


def test_demo_prints_each_simulator_gateway_url_and_credentials_and_stops_them_on_exit(tmp_path):
    import signal
    import socket

    web, ippay, icharge, intentpay, smtp = (_free_port() for _ in range(5))
    env = {**os.environ, "SPLYNX_INSTANCE_PATH": str(tmp_path / "instance"),
           "SPLYNX_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    demo = subprocess.Popen([*SPLYNX, "demo", "--port", str(web), "--plugins", "plugins",
                             "--simulator-port", f"ippay={ippay}", "--simulator-port", f"icharge={icharge}",
                             "--simulator-port", f"intentpay={intentpay}", "--smtp-port", str(smtp)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=Path(__file__).parent.parent)
    lines = []
    try:
        for line in demo.stdout:
            lines.append(line)
            if line.startswith("  Simulator (ippay)"):
                break
        line = lines[-1]
        assert line.startswith("  Simulator (ippay)"), lines
        lines.append(next(demo.stdout))  # the credentials follow each address
        assert f"  Simulator (icharge): http://127.0.0.1:{icharge}/api/v1  → after installing the add-on, set its " \
               "Gateway URL (Modules list → Edit) to this address\n" in lines, lines
        assert "    with its test credentials: Merchant ID XILOTEST, API key sk_test_icharge\n" in lines, lines
        assert line.startswith(f"  Simulator (ippay): http://127.0.0.1:{ippay}/ippay "), lines
        assert lines[-1] == "    with its test credentials: Terminal ID TESTTERMINAL\n", lines
        with socket.create_connection(("127.0.0.1", ippay), timeout=5):
            pass  # the simulator listens where it says
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(30)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", ippay))  # stopped with the demo


def test_demo_simulator_ports_skip_the_ones_chosen_and_the_web_and_smtp_ports():
    from hostapp.cli.simulators import Simulator, assign_ports

    found = [Simulator(name, f"splynx_{name}", Path(".")) for name in ("icharge", "intentpay", "ippay")]
    # make demo PORT=8110 DEMO_ARGS="--simulator-port ippay=8111 --simulator-port icharge=8112 --smtp-port 8113"
    assert assign_ports(found, {"ippay": 8111, "icharge": 8112}, after=8110, taken={8110, 8113}) == {
        "ippay": 8111, "icharge": 8112, "intentpay": 8114}
    assert assign_ports(found, {}, after=8080, taken={8080, 8025}) == {"icharge": 8081, "intentpay": 8082,
                                                                         "ippay": 8083}
