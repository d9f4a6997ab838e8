"""``splynx addons install|remove`` on the job machinery, seen by separate worker processes at once."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import select

from hostapp.cli import CLIContext, cli
from hostapp.models import AuditEntry, Job, Module


SERVE = ("import sys; from werkzeug.serving import run_simple; from hostapp.wsgi import app; "
         "run_simple('127.0.0.1', int(sys.argv[1]), app, threaded=True)")


def environment(config) -> dict[str, str]:
    return {"SPLYNX_INSTANCE_PATH": str(config.instance_path), "SPLYNX_DATABASE_URL": config.database_url,
            "SPLYNX_SESSION_SECRET": "test-secret", "SPLYNX_WHEELHOUSE": config.wheelhouse,
            "SPLYNX_ADDON_PYTHON": config.addon_python}


def splynx(config, *args: str):
    result = CliRunner().invoke(cli, list(args), obj=CLIContext(), env=environment(config))
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def workers(lifecycle_host, lifecycle_config, addon_env):
    """Two web processes serving hostapp.wsgi:app from the add-on environment's interpreter."""
    env = {**os.environ, **environment(lifecycle_config)}
    ports = [free_port(), free_port()]
    processes = [subprocess.Popen([str(addon_env.python), "-c", SERVE, str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    deadline = time.monotonic() + 30
    for url in urls:
        while True:
            try:
                requests.get(f"{url}/portal/login", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "worker did not start"
                time.sleep(0.1)
    yield urls
    for process in processes:
        process.terminate()
        process.wait(10)


def status(url: str) -> int:
    return requests.get(f"{url}/demo-pay/", allow_redirects=False, timeout=10).status_code


def test_cli_install_reaches_every_worker_without_a_restart(workers, lifecycle_host, lifecycle_config):
    assert [status(url) for url in workers] == [404, 404]

    result = splynx(lifecycle_config, "addons", "install", "demo_pay")
    assert result.exit_code == 0, result.output
    assert "Successfully installed splynx-demo-pay-1.0.0" in result.output
    assert "Done: splynx-demo-pay 1.0.0." in result.output
    # the page needs a customer login: a redirect means the route is mounted and the module enabled
    assert [status(url) for url in workers] == [302, 302]
    with lifecycle_host.db.transaction() as session:
        job = session.execute(select(Job).where(Job.kind == "package")).scalar_one()
        assert (job.title, job.status, job.created_by) == ("Install splynx-demo-pay", "succeeded", "cli")
        assert session.execute(select(Module.status).where(Module.addon_id == "demo_pay")).scalar_one() == "enabled"
        assert session.execute(select(AuditEntry.actor).where(AuditEntry.action == "addon.installed",
                                                             AuditEntry.target == "demo_pay")).scalar_one() \
            == "cli"

    result = splynx(lifecycle_config, "addons", "remove", "splynx-demo-pay", "--purge")
    assert result.exit_code == 0, result.output
    assert [status(url) for url in workers] == [404, 404]


def test_cli_dry_run_and_refusals(lifecycle_host, lifecycle_config):
    result = splynx(lifecycle_config, "addons", "install", "demo_pay", "--dry-run")
    assert result.exit_code == 0 and "install   splynx-demo-pay 1.0.0" in result.output
    result = splynx(lifecycle_config, "addons", "install", "future_host")
    assert result.exit_code == 1
    assert "needs splynx-host >=99.0, but this host runs 1.0.0" in result.output
    result = splynx(lifecycle_config, "addons", "remove", "demo_pay")
    assert result.exit_code == 1 and "splynx-demo-pay is not installed" in result.output
