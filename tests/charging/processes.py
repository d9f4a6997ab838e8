"""Running the host in other processes for charge tests: ``splynx`` commands and Celery workers.

The fakepay test add-on is made discoverable to those processes the way any add-on is, by
an installed distribution: a ``splynx_fakepay-1.0.dist-info`` with a ``splynx.addons``
entry point and a ``splynx_fakepay`` package that re-exports :mod:`tests.plugins.fakepay`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPLYNX = [sys.executable, "-c", "from hostapp.cli import main; main()"]


def fakepay_distribution(root: Path) -> Path:
    """Write the fakepay distribution into ``root`` (put it on PYTHONPATH); returns ``root``."""
    info = root / "splynx_fakepay-1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: splynx-fakepay\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[splynx.addons]\nfakepay = splynx_fakepay\n")
    package = root / "splynx_fakepay"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text('"""The fakepay test add-on as an installed distribution."""\n'
                                         "from tests.plugins.fakepay import *  # noqa: F401,F403\n"
                                         "from tests.plugins.fakepay import MANIFEST  # noqa: F401\n")
    return root


def host_env(database_url: str, instance_dir: Path, dist_root: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a host process on the tests' database."""
    paths = [str(REPO)] + ([str(dist_root)] if dist_root else [])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "SPLYNX_DATABASE_URL": database_url,
           "SPLYNX_INSTANCE_PATH": str(instance_dir), "SPLYNX_SESSION_SECRET": "test-secret"}
    env.pop("SPLYNX_BROKER_URL", None)
    env.update(extra)
    return env


def run_splynx(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(SPLYNX + args, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)


class Worker:
    """A ``splynx worker`` process (its own process group, so killing it kills all of it)."""

    def __init__(self, env: dict[str, str], name: str, log_dir: Path, concurrency: int = 2) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            SPLYNX + ["worker", "--concurrency", str(concurrency), "--hostname", f"{name}@%h", "--loglevel", "INFO"],
            env=env, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.name} exited:\n{self.log_path.read_text()}")
            if " ready." in self.log_path.read_text():
                return
            time.sleep(0.2)
        raise AssertionError(f"worker {self.name} not ready:\n{self.log_path.read_text()}")

    def kill(self) -> None:
        """SIGKILL the whole worker: no clean-up, no acknowledgements, leases left behind."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self._log.close()
