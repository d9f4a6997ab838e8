"""Signed pay links stay out of the access logs of the built-in server and of gunicorn."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time

import requests
from werkzeug.serving import make_server

from splynx_testing.fixtures import make_test_app
from splynx_testing.machine import require_module

SIGNED = "/ippay/direct-pay-invoice-by-id?item_id=7&expires=1893456000&sig=SECRETsig_value-123"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_built_in_server_logs_signed_links_masked(host, caplog):
    app = make_test_app(host)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            requests.get(f"http://127.0.0.1:{server.server_port}{SIGNED}", timeout=10)
    finally:
        server.shutdown()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("item_id=7&expires=***&sig=***" in line for line in lines), lines
    assert not any("SECRETsig" in line or "1893456000" in line for line in lines)


def test_gunicorn_logs_signed_links_masked(host, tmp_path, instance_dir, database_url):
    require_module("gunicorn")
    log_file, port = tmp_path / "access.log", _free_port()
    env = {**os.environ, "SPLYNX_INSTANCE_PATH": str(instance_dir), "SPLYNX_DATABASE_URL": database_url,
           "SPLYNX_SESSION_SECRET": "test-secret"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                               "--access-logfile", str(log_file), "hostapp.wsgi:app"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}{SIGNED}", timeout=120)  # the app is built on first use
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.3)
        assert answer.status_code in (200, 404)
        deadline = time.monotonic() + 10
        while "item_id=7" not in log_file.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log_file.read_text()
    assert "item_id=7&expires=***&sig=***" in text, text
    assert "SECRETsig" not in text and "1893456000" not in text
