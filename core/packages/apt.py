"""The apt backend: ``splynx-*`` Debian packages from the configured signed repository.

Reading is unprivileged (``apt-cache``, ``dpkg-query``); every change, the index refresh
and the dry run go through the root helper (:mod:`core.packages.root_helper`), so the web
process never runs apt-get itself. The helper is reached through the add-on helper
service's socket (``unix:PATH``, :mod:`core.packages.helper_service`) or, given a command,
run as that command. Its JSON lines become the job's log and progress bar.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator

from .aptdata import candidate_origins, parse_policy, parse_records, parse_simulation, parse_source_origins
from . import helper_service
from .base import (
    INSTALLING,
    InstalledPackage,
    PackageBackend,
    PackageError,
    PackageInfo,
    Plan,
    Reporter,
    check_action,
    debian_to_pep440,
    host_requirement_problem,
)
from .names import is_addon_package, package_problem
from .root_helper import ENVIRONMENT, HelperConfig

DEFAULT_HELPER = (f"unix:{helper_service.SOCKET_PATH}",)
#: dpkg states (second letter of db:Status-Abbrev) in which a package counts as installed
PRESENT_STATES = set("iUFHWt")
_HOST_RELATION = re.compile(r"^splynx-host\s*\(([^)]*)\)$")


def host_relations(depends: str) -> str:
    """The version relations a ``Depends:`` field puts on splynx-host, as PEP 440."""
    relations = [m.group(1) for part in depends.split(",") if (m := _HOST_RELATION.match(part.strip()))]
    return debian_to_pep440(", ".join(relations)) if relations else ""


class AptBackend(PackageBackend):
    """Add-ons as Debian packages; changes through the root helper."""

    kind = "apt"
    refresh_label = "Update (apt)"

    def __init__(self, helper: tuple[str, ...] | list[str] = DEFAULT_HELPER, config: HelperConfig | None = None) -> None:
        """``helper``: ``["unix:/run/splynx-addon-helper.sock"]`` (the service) or a command line."""
        self.helper = list(helper)
        self.config = config or HelperConfig.load()

    # -- unprivileged reads ----------------------------------------------------------------

    @staticmethod
    def _read(*command: str) -> str:
        try:
            return subprocess.run(list(command), capture_output=True, text=True, env=ENVIRONMENT,
                                  stdin=subprocess.DEVNULL, check=False, timeout=120).stdout
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PackageError(f"{command[0]} cannot be run: {exc}") from exc

    def available(self) -> list[PackageInfo]:
        names = sorted({line.split(" ", 1)[0] for line in self._read("apt-cache", "search", "--names-only",
                                                                      "^splynx-").splitlines()
                        if is_addon_package(line.split(" ", 1)[0])})
        if not names:
            return []
        policies = parse_policy(self._read("apt-cache", "policy", *names))
        origins = parse_source_origins(self._read("apt-cache", "policy"))
        offered = []
        for record in parse_records(self._read("apt-cache", "show", "--no-all-versions", *names)):
            name = record.get("Package", "")
            policy = policies.get(name)
            if policy is None or self.config.origin not in candidate_origins(policy, origins):
                continue
            offered.append(PackageInfo(
                name=name, version=record.get("Version", ""),
                description=record.get("Description", "").split("\n", 1)[0],
                installed_size=int(record.get("Installed-Size", "0") or 0) * 1024,
                download_size=int(record.get("Size", "0") or 0), requires_host=host_relations(record.get("Depends", ""))))
        return sorted(offered, key=lambda p: p.name)

    def installed(self) -> list[InstalledPackage]:
        output = self._read("dpkg-query", "-W", "-f", "${Package}\t${Version}\t${Installed-Size}\t${db:Status-Abbrev}\n",
                            "splynx-*")
        packages = []
        for line in output.splitlines():
            name, version, size, state = (line.split("\t") + ["", "", "", ""])[:4]
            if is_addon_package(name) and len(state) > 1 and state[1] in PRESENT_STATES:
                packages.append(InstalledPackage(name, version, int(size or 0) * 1024))
        return packages

    # -- through the helper ----------------------------------------------------------------

    def _helper_events(self, *args: str) -> Iterator[dict]:
        if len(self.helper) == 1 and self.helper[0].startswith("unix:"):
            yield from helper_service.request_events(self.helper[0].removeprefix("unix:"), list(args))
            return
        try:
            process = subprocess.Popen([*self.helper, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, text=True)
        except OSError as exc:
            raise PackageError(f"the add-on helper cannot be started: {exc}") from exc
        with process:
            for line in process.stdout:
                try:
                    yield json.loads(line)
                except ValueError:
                    yield {"event": "log", "line": line.rstrip("\n")}
            code = process.wait()
        yield {"event": "exit", "code": code}

    def _call(self, args: list[str], out: Reporter | None) -> tuple[int, list[str], list[str]]:
        """Run the helper; return (exit code, log lines, error messages)."""
        lines, errors, code = [], [], 0
        for event in self._helper_events(*args):
            kind = event.get("event")
            if kind == "log":
                lines.append(event.get("line", ""))
                if out:
                    out.log(event.get("line", ""))
            elif kind == "status" and out:
                self._report_status(event, out)
            elif kind == "error":
                errors.append(event.get("message", ""))
            elif kind == "exit":
                code = code or int(event.get("code", 0))
        return code, lines, errors

    @staticmethod
    def _report_status(event: dict, out: Reporter) -> None:
        percent = float(event.get("percent", 0))
        if event.get("kind") == "dlstatus":
            out.progress(percent * 0.3)
        elif event.get("kind") == "pmstatus":
            out.progress(30 + percent * 0.7)
            out.log(f"… {event.get('message', '')}")
        elif event.get("kind") == "pmerror":
            out.log(f"ERROR: {event.get('item', '')}: {event.get('message', '')}")

    def refresh(self, out: Reporter) -> None:
        code, lines, errors = self._call(["update"], out)
        if code:
            raise PackageError(_failure(code, lines, errors))
        out.progress(100)

    def plan(self, action: str, name: str) -> Plan:
        check_action(action)
        plan = Plan(action, name)
        problem = package_problem(name)
        if problem:
            plan.problems.append(problem)
            return plan
        if action in INSTALLING:
            offered = self.offered(name)
            if offered is not None:
                host_problem = host_requirement_problem(name, offered.version, offered.requires_host)
                if host_problem:
                    plan.problems.append(host_problem)
                    return plan
        code, lines, errors = self._call(["--dry-run", action, name], None)
        simulation = parse_simulation("\n".join(lines))
        plan.changes, plan.download_size = simulation.changes, simulation.download_size
        plan.problems += errors + simulation.errors
        if code and not plan.problems:
            plan.problems.append(_failure(code, lines, errors))
        return plan

    def run(self, action: str, name: str, out: Reporter) -> None:
        check_action(action)
        problem = package_problem(name)
        if problem:
            raise PackageError(problem)
        code, lines, errors = self._call([action, name], out)
        if code:
            raise PackageError(_failure(code, lines, errors))


def _failure(code: int, lines: list[str], errors: list[str]) -> str:
    apt_errors = [line[2:].strip() for line in lines if line.startswith("E:")]
    return "; ".join(errors + apt_errors) or f"the add-on helper exited with status {code}"
