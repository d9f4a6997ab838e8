"""Run commands inside a Debian root directory (the trixie build root or a test root).

Each command gets its own mount namespace with /proc, /dev/pts and /dev/shm mounted, so
nothing stays mounted on the build machine when it ends, even if it is killed. The
environment is fixed (Debian's PATH, C.UTF-8, non-interactive apt): the build machine's
pyenv and virtualenv never leak in. Needs root (mount namespaces, chroot).
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from pathlib import Path

BASE_ENV = {
    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
    "LC_ALL": "C.UTF-8",
    "HOME": "/root",
    "DEBIAN_FRONTEND": "noninteractive",
}

_ENTER = (
    'set -e; root=$1; shift; mount -t proc proc "$root/proc"; '
    'mount -t tmpfs -o mode=1777,size=64m shm "$root/dev/shm"; '
    'mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"; '
    '{binds}exec chroot "$root" "$@"'
)


class RootCommandError(RuntimeError):
    """A command in the root failed; the message carries its output."""


class Root:
    """A directory holding a Debian system, and the way to run things in it.

    ``binds`` are (build machine folder, folder in the root) pairs bind-mounted for each
    command, e.g. a persistent apt archive cache.
    """

    def __init__(self, path: str | os.PathLike, binds: list[tuple[Path, str]] = ()) -> None:
        self.path = Path(path)
        self.binds = list(binds)

    def host_path(self, inside: str) -> Path:
        """The build machine's path of ``inside`` (an absolute path in the root)."""
        return self.path / inside.lstrip("/")

    def argv(self, command: list[str], user: str | None = None) -> list[str]:
        if user:
            command = ["runuser", "-u", user, "--", *command]
        binds = ""
        for source, inside in self.binds:
            Path(source).mkdir(parents=True, exist_ok=True)
            self.host_path(inside).mkdir(parents=True, exist_ok=True)
            binds += f'mount --bind {shlex.quote(str(source))} "$root"{shlex.quote(inside)}; '
        return ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", _ENTER.format(binds=binds),
                "enter", str(self.path), *command]

    def run(self, command: list[str], *, user: str | None = None, env: dict | None = None,
            check: bool = True, timeout: float = 600, input: str | None = None) -> subprocess.CompletedProcess:
        """Run ``command`` in the root; output is captured (stdout and stderr together)."""
        proc = subprocess.run(self.argv(command, user), env={**BASE_ENV, **(env or {})}, text=True,
                              input=input, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                              stdin=None if input is not None else subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise RootCommandError(f"{' '.join(command)} exited {proc.returncode}:\n{proc.stdout}")
        return proc

    def sh(self, script: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run(["sh", "-ec", script], **kwargs)

    def spawn(self, command: list[str], *, user: str | None = None, env: dict | None = None,
              log: Path) -> subprocess.Popen:
        """Start a long-running command (a service) in its own process group; output to ``log``."""
        handle = open(log, "ab")
        try:
            return subprocess.Popen(self.argv(command, user), env={**BASE_ENV, **(env or {})},
                                    stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        finally:
            handle.close()


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM the process group started by :meth:`Root.spawn`, SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
