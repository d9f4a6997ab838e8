"""The world of the Debian install test: built .debs, a signed repository served over HTTP,
a trixie root, and ways to run apt, the splynx CLI and the web service inside it.

Which add-ons it uses depends on what exists under plugins/: splynx-ippay is the add-on that
is installed, upgraded, removed and purged, and splynx-refill-cards is installed from the web
UI (apt backend, the add-on helper service as root, reached over its socket). Without splynx-ippay the test writes its own add-on
(fixture_addon.py).
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PACKAGING = TESTS.parent
sys.path.insert(0, str(PACKAGING))

from addon_source import AddonSource, debian_version, read_addon  # noqa: E402
from build_debs import REPO, api_version, host_version, plugin_dirs  # noqa: E402
from chroot import Root, stop  # noqa: E402
from fixture_addon import write_fixture_addon  # noqa: E402
from systemd_unit import Unit  # noqa: E402
from web_client import Response, WebClient  # noqa: E402

PRIMARY = "splynx-ippay"
VIA_WEB_UI = "splynx-refill-cards"
PROBE = "/usr/local/lib/splynx-install-test/probe.py"
HELPER_UNIT = "splynx-addon-helper.service"
HELPER_SOCKET = "/run/splynx-addon-helper.sock"
APP_DIR = "/usr/share/splynx-host"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AddonUnderTest:
    """One add-on the test installs, with the source of its newer build."""

    source: AddonSource
    upgrade_dir: Path
    upgrade_version: str | None  # --set-version for a real add-on; None for the fixture's own v2

    @property
    def deb(self) -> str:
        return self.source.deb_name

    @property
    def id(self) -> str:
        return self.source.id

    @property
    def upgrade_deb_version(self) -> str:
        if self.upgrade_version:
            return debian_version(self.upgrade_version)
        return read_addon(self.upgrade_dir, host_version(), api_version()).deb_version

    @property
    def prefix(self) -> str:
        return "/" + self.id.replace("_", "-") + "/"


class Scenario:
    """State shared by the install test's steps, and the time each step took."""

    def __init__(self, work: Path, cache: Path) -> None:
        self.work = work
        self.cache = cache
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        self.debs, self.debs_v2, self.repo = work / "debs", work / "debs-v2", work / "repo"
        self.root = Root(work / "root", binds=[(cache / "apt-archives", "/var/cache/apt/archives")])
        self.times: dict[str, float] = {}
        self.notes: list[str] = []
        self.web: subprocess.Popen | None = None
        self.helper: subprocess.Popen | None = None
        self.web_url = ""
        self._http: http.server.ThreadingHTTPServer | None = None
        self._base: subprocess.Popen | None = None
        self.addons = {a.deb_name: a for a in (read_addon(p, host_version(), api_version()) for p in plugin_dirs())}
        self.primary = self._primary()
        self.via_web_ui = self.addons.get(VIA_WEB_UI)

    def _primary(self) -> AddonUnderTest:
        if PRIMARY in self.addons:
            source = self.addons[PRIMARY]
            if "+" in source.version:
                raise AssertionError(f"{PRIMARY} {source.version}: expected a version without a local part")
            return AddonUnderTest(source, source.path, f"{source.version}+test1")
        self.notes.append(f"{PRIMARY} is not in plugins/: the test used its own add-on (debtest)")
        v1 = write_fixture_addon(self.work / "fixture-0.1.0", "0.1.0")
        v2 = write_fixture_addon(self.work / "fixture-0.2.0", "0.2.0")
        return AddonUnderTest(read_addon(v1, host_version(), api_version()), v2, None)

    # -- steps and timing ----------------------------------------------------------------

    @contextmanager
    def clock(self, name: str):
        """Add the time the block takes to the phase ``name``."""
        started = time.monotonic()
        try:
            yield
        finally:
            self.times[name] = self.times.get(name, 0.0) + time.monotonic() - started

    # -- build machine side ----------------------------------------------------------------

    def build_debs(self, out: Path, *args: str) -> str:
        proc = subprocess.run([sys.executable, str(PACKAGING / "build_debs.py"), "--out", str(out), *args],
                              text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        print(proc.stdout)
        assert proc.returncode == 0, f"build_debs.py {' '.join(args)} failed"
        return proc.stdout

    def publish(self, debs: list[Path], add: bool = False, repo: Path | None = None) -> None:
        """Publish ``debs`` in the test's repository (or in ``repo``), signed with the test's key."""
        argv = ["sh", str(PACKAGING / "mkrepo.sh"), *(["--add"] if add else []), str(repo or self.repo),
                *map(str, debs)]
        proc = subprocess.run(argv, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "REPO_GNUPGHOME": str(self.work / "gnupg")})
        print(proc.stdout)
        assert proc.returncode == 0, "mkrepo.sh failed"

    def serve_repo(self) -> str:
        handler = functools.partial(_QuietHandler, directory=str(self.repo))
        self._http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def prepare_base(self) -> None:
        """Make (or reuse) the cached trixie base tarball in the background while packages build."""
        self._base = subprocess.Popen(["sh", str(PACKAGING / "roots.sh"), "base"], text=True,
                                      stdout=subprocess.PIPE)

    @staticmethod
    def piuparts_base(packages: list[str]) -> Path:
        """The cached trixie minbase tarball with ``packages`` that piuparts starts from (made by roots.sh)."""
        return Path(subprocess.run(["sh", str(PACKAGING / "roots.sh"), "piuparts", ",".join(packages)],
                                   check=True, text=True, stdout=subprocess.PIPE).stdout.strip())

    @staticmethod
    def mirror() -> str:
        """The Debian mirror the roots are made from."""
        return subprocess.run(["sh", str(PACKAGING / "roots.sh"), "mirror"], check=True, text=True,
                              stdout=subprocess.PIPE).stdout.strip()

    def unpack_base(self) -> None:
        if self._base is None:
            self.prepare_base()
        tarball = self._base.communicate()[0].strip()
        assert self._base.returncode == 0, "roots.sh base failed"
        self.root.path.mkdir(mode=0o755)
        subprocess.run(["tar", "--zstd", "-xf", tarball, "-C", str(self.root.path)], check=True)
        archives = self.cache / "apt-archives"
        archives.mkdir(parents=True, exist_ok=True)
        for own in archives.glob("splynx-*.deb"):  # rebuilt with the same version: never reuse
            own.unlink()

    # -- inside the root ---------------------------------------------------------------------

    def apt(self, *args: str) -> str:
        proc = self.root.run(["apt-get", "-q", "-y", "-o", "DPkg::Lock::Timeout=120", "-o", "Dpkg::Use-Pty=0", *args], check=False)
        print(proc.stdout)
        assert proc.returncode == 0, f"apt-get {' '.join(args)} exited {proc.returncode}"
        return proc.stdout

    def splynx(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """The CLI as an operator runs it: as root (it switches to user splynx itself)."""
        return self.root.run(["splynx", *args], check=check)

    @staticmethod
    def deb_field(deb: Path, field: str) -> str:
        """A control field of a built .deb, as ``dpkg-deb`` reads it (empty when absent)."""
        return subprocess.run(["dpkg-deb", "-f", str(deb), field], check=True, capture_output=True,
                              text=True).stdout.strip()

    def dpkg_status(self, package: str) -> tuple[str, str]:
        proc = self.root.run(["dpkg-query", "-W", "-f=${Status}|${Version}", package], check=False)
        if proc.returncode != 0:
            return "not-installed", ""
        status, _, version = proc.stdout.strip().partition("|")
        return status, version

    def probe(self, action: str, addon_id: str) -> dict:
        script = f'set -a; . /etc/splynx/splynx.env; set +a; exec python3 -I -S {PROBE} {action} {addon_id}'
        proc = self.root.run(["sh", "-c", script], user="splynx")
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def install_probe(self) -> None:
        target = self.root.host_path(PROBE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(TESTS / "probe.py", target)
        target.chmod(0o644)

    # -- the add-on helper service ------------------------------------------------------------

    def start_helper(self) -> None:
        """The helper service's ExecStart as its unit says (root); without systemd it binds the socket."""
        unit = Unit.read(self.root.path, HELPER_UNIT)
        self.helper = self.root.spawn(unit.command(self.root.path, unit.exec_start), user=unit.user,
                                      log=self.work / "splynx-addon-helper.log")
        socket_file = self.root.host_path(HELPER_SOCKET)
        deadline = time.monotonic() + 30
        while not socket_file.is_socket():
            if self.helper.poll() is not None or time.monotonic() > deadline:
                log = (self.work / "splynx-addon-helper.log").read_text()
                raise AssertionError(f"the add-on helper did not bind {HELPER_SOCKET}:\n{log}")
            time.sleep(0.1)

    def ask_helper(self, argv: list[str], user: str, raw: str | None = None) -> list[dict]:
        """Send a request to the helper service as ``user`` (``raw``: this line instead); its events."""
        script = (f"import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect({HELPER_SOCKET!r}); "
                  "s.sendall(sys.stdin.buffer.read()); sys.stdout.write(s.makefile().read())")
        request = raw if raw is not None else json.dumps({"argv": argv}) + "\n"
        proc = self.root.run(["python3", "-I", "-S", "-c", script], user=user, input=request, check=False)
        if proc.returncode != 0:
            return [{"event": "connect-failed", "output": proc.stdout}]
        return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]

    # -- the web service ---------------------------------------------------------------------

    def start_web(self) -> None:
        if self.web_url:
            port = int(self.web_url.rsplit(":", 1)[1])
        else:
            port = free_port()
            conf = self.root.host_path("/etc/splynx/gunicorn.conf.py")
            text = conf.read_text().replace('bind = "127.0.0.1:8080"', f'bind = "127.0.0.1:{port}"')
            assert f":{port}" in text, "gunicorn.conf.py has no default bind line"
            conf.write_text(text)
            self.web_url = f"http://127.0.0.1:{port}"
        unit = Unit.read(self.root.path, "splynx-web.service")
        self.web = self.root.spawn(unit.command(self.root.path, unit.exec_start), user=unit.user,
                                   log=self.work / "splynx-web.log")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise AssertionError(f"splynx-web exited {self.web.returncode}:\n{self.web_log()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"splynx-web did not listen on {port}:\n{self.web_log()}")

    def stop_web(self) -> None:
        if self.web is not None:
            stop(self.web)
            self.web = None

    def restart_web(self) -> None:
        self.stop_web()
        self.start_web()

    def web_log(self) -> str:
        log = self.work / "splynx-web.log"
        return log.read_text()[-4000:] if log.exists() else ""

    def get(self, path: str) -> Response:
        return WebClient(self.web_url).get(path)

    def close(self) -> None:
        self.stop_web()
        if self.helper is not None:
            stop(self.helper)
        if self._base is not None and self._base.poll() is None:
            self._base.wait()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()

    def report(self) -> str:
        lines = ["phase timings (s):"] + [f"  {name:<14}{seconds:7.1f}" for name, seconds in self.times.items()]
        lines += [f"  {'total':<14}{sum(self.times.values()):7.1f}"] + [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass
