"""The root helper: the only package operations the web process may have run as root.

The web process sends a command line to the add-on helper service
(:mod:`core.packages.helper_service`, ``splynx-addon-helper.service`` on Debian), which
runs as root and hands it to :func:`main`; run as root by hand, ``python3 -m
core.packages.root_helper`` takes the same command line::

    [--dry-run] update|install|upgrade|reinstall|remove|purge [PACKAGE]

It refuses everything but ``splynx-*`` add-on names (never the host or a keyring);
install, upgrade and re-install only for packages whose candidate version comes from the
configured repository's ``Origin:``; remove and purge only for installed add-ons. apt-get
runs with a fixed environment, waits for the dpkg lock (``DPkg::Lock::Timeout``), never
accepts unauthenticated packages, and reports progress through ``APT::Status-Fd`` on a
pipe the helper creates itself.

Settings come from ``/etc/splynx/addon-helper.conf`` (root-owned, ``key = value``)::

    origin = Splynx                                   # Origin: of the add-on repository
    sources = /etc/apt/sources.list.d/splynx.sources  # refreshed alone by "update" (optional)
    lock_timeout = 300                                # seconds to wait for the dpkg lock

Output is one JSON object per line: ``{"event": "log", "line"}`` (apt's output),
``{"event": "status", "kind", "item", "percent", "message"}`` (Status-Fd),
``{"event": "error", "message"}`` (refused) and ``{"event": "exit", "code"}`` last.
Exit codes: 64 bad usage, 65 unknown or not installed, 77 not allowed, else apt-get's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from .aptdata import PackagePolicy, candidate_origins, parse_policy, parse_source_origins
from .names import package_problem

CONFIG_PATH = Path("/etc/splynx/addon-helper.conf")
ACTIONS = ("update", "install", "upgrade", "reinstall", "remove", "purge")
ENVIRONMENT = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive", "LANG": "C.UTF-8"}
EX_USAGE, EX_UNKNOWN, EX_NOPERM = 64, 65, 77


class Refused(Exception):
    """The request is not allowed; ``code`` is the exit status."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class HelperConfig:
    """The helper's settings (root-owned file; the caller cannot change them)."""

    origin: str = "Splynx"
    sources: str = ""
    lock_timeout: int = 300

    @classmethod
    def load(cls, path: Path = CONFIG_PATH) -> "HelperConfig":
        if not path.exists():
            return cls()
        values = {}
        for line in path.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if "=" in line:
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip()
        return cls(origin=values.get("origin", cls.origin), sources=values.get("sources", ""),
                   lock_timeout=int(values.get("lock_timeout", cls.lock_timeout)))


@dataclass(frozen=True)
class Request:
    """A validated request."""

    action: str
    package: str = ""
    dry_run: bool = False


class AptQuery:
    """Read-only questions to apt (``apt-cache policy``), asked with the fixed environment."""

    def _cache(self, *args: str) -> str:
        return subprocess.run(["apt-cache", *args], capture_output=True, text=True, env=ENVIRONMENT,
                              stdin=subprocess.DEVNULL, check=False).stdout

    def policy(self, package: str) -> PackagePolicy | None:
        return parse_policy(self._cache("policy", package)).get(package)

    def origins(self) -> dict[str, str]:
        return parse_source_origins(self._cache("policy"))


def validate(argv: list[str], config: HelperConfig, apt: AptQuery) -> Request:
    """Check the arguments in order; raise :class:`Refused` with the reason and exit code."""
    args = list(argv)
    dry_run = bool(args) and args[0] == "--dry-run"
    if dry_run:
        args.pop(0)
    if not args or args[0] not in ACTIONS:
        raise Refused(EX_USAGE, "usage: [--dry-run] update|install|upgrade|reinstall|remove|purge [PACKAGE]")
    action = args[0]
    if action == "update":
        if len(args) != 1:
            raise Refused(EX_USAGE, "update takes no package")
        return Request(action, dry_run=dry_run)
    if len(args) != 2:
        raise Refused(EX_USAGE, f"{action} takes exactly one package name")
    package = args[1]
    problem = package_problem(package)
    if problem:
        raise Refused(EX_USAGE, problem)
    policy = apt.policy(package)
    if policy is None:
        raise Refused(EX_UNKNOWN, f"unknown package {package}")
    if action in ("remove", "purge"):
        if policy.installed is None:
            raise Refused(EX_UNKNOWN, f"{package} is not installed")
        return Request(action, package, dry_run)
    origins = candidate_origins(policy, apt.origins())
    if config.origin not in origins:
        raise Refused(EX_NOPERM, f"{package} is not offered by the add-on repository "
                                 f"(Origin {config.origin}; candidate from {sorted(origins) or 'nowhere'})")
    if action in ("upgrade", "reinstall") and policy.installed is None:
        raise Refused(EX_UNKNOWN, f"{package} is not installed")
    return Request(action, package, dry_run)


def apt_command(request: Request, config: HelperConfig, status_fd: int | None) -> list[str]:
    """The apt-get command line for a validated request (never ``--allow-unauthenticated``)."""
    command = ["apt-get", "-q", "-y", "-o", f"DPkg::Lock::Timeout={config.lock_timeout}",
               "-o", "APT::Get::AllowUnauthenticated=false"]
    if status_fd is not None:
        command += ["-o", f"APT::Status-Fd={status_fd}"]
    if request.dry_run:
        command.append("-s")
    if request.action == "update":
        command += ["-o", "Acquire::AllowInsecureRepositories=false",
                    "-o", "Acquire::AllowDowngradeToInsecureRepositories=false"]
        if config.sources:
            command += ["-o", f"Dir::Etc::sourcelist={config.sources}", "-o", "Dir::Etc::sourceparts=-",
                        "-o", "APT::Get::List-Cleanup=0"]
        return command + ["update", "--error-on=any"]
    command += ["-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"]
    verb = {"install": ["install"], "upgrade": ["install", "--only-upgrade"], "reinstall": ["install", "--reinstall"],
            "remove": ["remove"], "purge": ["purge"]}[request.action]
    return command + verb + [request.package]


def emit(**event) -> None:
    print(json.dumps(event), flush=True)


def _status_event(line: str) -> dict:
    kind, _, rest = line.rstrip("\n").partition(":")
    item, _, rest = rest.partition(":")
    percent, _, message = rest.partition(":")
    try:
        value = float(percent)
    except ValueError:
        value = 0.0
    return {"event": "status", "kind": kind, "item": item, "percent": value, "message": message}


def run_apt(command_for, request: Request, config: HelperConfig) -> int:
    """Run apt-get, relaying its output and Status-Fd lines as JSON; return its exit status."""
    read_fd, write_fd = os.pipe()
    command = command_for(request, config, write_fd)
    process = subprocess.Popen(command, pass_fds=(write_fd,), env=ENVIRONMENT, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    os.close(write_fd)

    def relay_output():
        for line in process.stdout:
            emit(event="log", line=line.rstrip("\n"))

    relay = threading.Thread(target=relay_output)
    relay.start()
    with os.fdopen(read_fd) as status:
        for line in status:
            emit(**_status_event(line))
    relay.join()
    return process.wait()


def main(argv: list[str] | None = None, *, config: HelperConfig | None = None, apt: AptQuery | None = None,
         runner=run_apt) -> int:
    """Validate, run apt-get, print JSON lines; returns the exit status."""
    config = config or HelperConfig.load()
    try:
        request = validate(sys.argv[1:] if argv is None else argv, config, apt or AptQuery())
    except Refused as refused:
        emit(event="error", message=str(refused))
        emit(event="exit", code=refused.code)
        return refused.code
    code = runner(apt_command, request, config)
    emit(event="exit", code=code)
    return code


if __name__ == "__main__":
    sys.exit(main())
