"""``splynx mail test | send-invoice | queue`` in a real subprocess, against a real SMTP server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from hostapp.config import HostConfig
from hostapp.host import Host
from hostapp.models import Invoice
from tests.mail.configure import configure_mail

SPLYNX = [sys.executable, "-c", "from hostapp.cli import main; main()"]


def test_mail_commands(tmp_path, smtp_server, addon_manager):
    env = {**os.environ, "SPLYNX_INSTANCE_PATH": str(tmp_path / "instance"),
           "SPLYNX_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run(*args, ok=True):
        done = subprocess.run([*SPLYNX, *args], env=env, capture_output=True, text=True, timeout=120,
                              cwd=Path(__file__).parents[2])
        assert (done.returncode == 0) == ok, done.stdout + done.stderr
        return done

    run("demo", "--no-serve", "--port", "8160")
    host = Host.build(HostConfig(instance_path=tmp_path / "instance", database_url=env["SPLYNX_DATABASE_URL"]),
                      addons=addon_manager)
    configure_mail(host, smtp_server.port, send_on_invoice="0")
    with host.db.reading() as session:
        number = session.execute(select(Invoice.number).order_by(Invoice.id)).scalars().first()
    host.db.dispose()

    assert "The server answered: 250 2.0.0 Ok: queued as TEST1" in run("mail", "test", "noc@isp.example").stdout
    sent = run("mail", "send-invoice", number).stdout
    assert "Queued message #" in sent and ": sent after 1 try. 250 2.0.0 Ok: queued as TEST2" in sent
    assert f"invoice {number}" in smtp_server.inbox.messages[1]["Subject"]
    listing = run("mail", "queue").stdout
    assert "sent: 1" in listing and "[250 2.0.0 Ok: queued as TEST2]" in listing
    missing = run("mail", "send-invoice", "NO-SUCH-NUMBER", ok=False)
    assert "There is no invoice or proforma invoice NO-SUCH-NUMBER." in missing.stderr
    smtp_server.stop()
    down = run("mail", "test", "noc@isp.example", ok=False)
    assert "Not sent. The server answered: 127.0.0.1:" in down.stderr and "refused" in down.stderr.lower()
