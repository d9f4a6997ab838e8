"""A PEP 503 simple index served over HTTP works as the wheelhouse, like a folder does."""

from __future__ import annotations

import hashlib
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.packages.wheelhouse import WheelhouseBackend
from core.packages.wheels import WheelSource


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Recorder:
    def __init__(self):
        self.lines = []

    def log(self, line):
        self.lines.append(line)

    def progress(self, percent):
        pass


@pytest.fixture
def index(tmp_path, addon_wheels):
    """``/simple/`` with the demo add-on and an unrelated project, files under ``/files/``."""
    root = tmp_path / "index"
    (root / "files").mkdir(parents=True)
    wheel = next(addon_wheels.glob("splynx_demo_pay-1.0.0-*.whl"))
    shutil.copy(wheel, root / "files")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    (root / "simple" / "splynx-demo-pay").mkdir(parents=True)
    (root / "simple" / "requests").mkdir()
    (root / "simple" / "index.html").write_text(
        '<html><body><a href="splynx-demo-pay/">splynx-demo-pay</a><a href="requests/">requests</a></body></html>')
    (root / "simple" / "splynx-demo-pay" / "index.html").write_text(
        f'<a href="../../files/{wheel.name}#sha256={digest}">{wheel.name}</a>')
    (root / "simple" / "requests" / "index.html").write_text("<html></html>")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    server.shutdown()


def test_install_and_remove_from_a_simple_index(index, tmp_path, addon_env):
    backend = WheelhouseBackend(WheelSource.create(index, tmp_path / "cache"), python=str(addon_env.python))
    try:
        offered = backend.available()
        assert [(p.name, p.version, p.requires_host) for p in offered] == [("splynx-demo-pay", "1.0.0", ">=1.0")]
        assert offered[0].description.startswith("Demo pay: a test add-on")
        plan = backend.plan("install", "splynx-demo-pay")
        assert plan.ok, plan.problems
        assert [(c.name, c.change, c.version) for c in plan.changes] == [("splynx-demo-pay", "install", "1.0.0")]
        out = Recorder()
        backend.run("install", "splynx-demo-pay", out)
        assert backend.installed_version("splynx-demo-pay") == "1.0.0"
        assert any(line.startswith("$ pip ") and "--index-url" in line for line in out.lines)
        backend.run("remove", "splynx-demo-pay", out)
        assert backend.installed_version("splynx-demo-pay") is None
    finally:
        addon_env.clear()


def test_plans_refuse_what_cannot_be_done(tmp_path, wheelhouse, addon_env):
    backend = WheelhouseBackend(WheelSource.create(str(wheelhouse), tmp_path / "cache"), python=str(addon_env.python))
    assert backend.plan("install", "splynx-nosuch").problems == ["splynx-nosuch is not offered by the wheelhouse"]
    assert backend.plan("remove", "splynx-demo-pay").problems == ["splynx-demo-pay is not installed"]
    assert backend.plan("upgrade", "splynx-demo-pay").problems == ["splynx-demo-pay is not installed"]
    assert "not an add-on package" in backend.plan("install", "requests").problems[0]
    assert backend.plan("purge", "splynx-demo-pay").ok  # nothing installed: the host's purge deletes data only
