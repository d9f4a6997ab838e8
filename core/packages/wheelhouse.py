"""The wheelhouse backend: add-on wheels installed with pip into the host's environment.

The wheelhouse (a folder or a simple index, see :mod:`core.packages.wheels`) is the only
place pip looks (``--no-index``/``--index-url``, ``--isolated``), so what the catalog shows
is what gets installed. Plans come from ``pip install --dry-run --report``. pip runs as
``<host python> -m pip --python <target python>``: the target is the host's own
interpreter unless another environment is configured (the tests use a throwaway one whose
site folder is on the host's ``sys.path``).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .base import (
    INSTALLING,
    InstalledPackage,
    PackageBackend,
    PackageError,
    PackageInfo,
    Plan,
    PlannedChange,
    Reporter,
    check_action,
    host_requirement_problem,
)
from .names import is_addon_package, package_problem
from .wheels import Wheel, WheelSource

#: seconds a pip run may take before it is stopped
PIP_TIMEOUT = 900
#: pip output lines that mark how far an install got, with the progress they stand for
MILESTONES = (("Processing ", 25), ("Looking in", 10), ("Installing collected packages", 60),
              ("Found existing installation", 40), ("Successfully", 95))


def _newer(a: str, b: str) -> bool:
    try:
        return Version(a) > Version(b)
    except InvalidVersion:
        return a != b


def _pip_errors(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip().startswith("ERROR:")]
    return " ".join(lines) or (output.strip().splitlines() or ["pip failed without a message"])[-1]


class WheelhouseBackend(PackageBackend):
    """Install add-on wheels from a :class:`~core.packages.wheels.WheelSource` with pip."""

    kind = "wheelhouse"
    refresh_label = "Update (wheelhouse)"

    def __init__(self, source: WheelSource, python: str | None = None) -> None:
        self.source = source
        self.python = python or sys.executable

    # -- catalog --------------------------------------------------------------------------

    def refresh(self, out: Reporter) -> None:
        self.source.refresh()
        wheels = self.source.wheels()
        out.log(f"{len(wheels)} add-on wheel(s), {len({w.name for w in wheels})} add-on(s) offered.")
        out.progress(100)

    def _newest(self) -> dict[str, Wheel]:
        newest: dict[str, Wheel] = {}
        for wheel in self.source.wheels():
            if wheel.name not in newest or wheel.sort_key > newest[wheel.name].sort_key:
                newest[wheel.name] = wheel
        return newest

    def available(self) -> list[PackageInfo]:
        return [PackageInfo(name=w.name, version=w.version, description=w.summary, installed_size=w.installed_size,
                            download_size=w.download_size, requires_host=w.requires_host)
                for w in sorted(self._newest().values(), key=lambda w: w.name)]

    @staticmethod
    def _distributions() -> dict[str, importlib.metadata.Distribution]:
        """Installed add-on distributions as the host's import system sees them (first wins)."""
        importlib.invalidate_caches()
        found: dict[str, importlib.metadata.Distribution] = {}
        for dist in importlib.metadata.distributions():
            name = canonicalize_name(dist.metadata["Name"] or "")
            if is_addon_package(name) and name not in found:
                found[name] = dist
        return found

    def installed(self) -> list[InstalledPackage]:
        return [InstalledPackage(name, dist.version, sum((f.size or 0) for f in (dist.files or ())))
                for name, dist in sorted(self._distributions().items())]

    # -- planning -------------------------------------------------------------------------

    def plan(self, action: str, name: str) -> Plan:
        check_action(action)
        plan = Plan(action, name)
        problem = package_problem(name)
        if problem:
            plan.problems.append(problem)
            return plan
        dists = self._distributions()
        current = dists[name].version if name in dists else None
        if action in INSTALLING:
            self._plan_install(plan, current, {n: d.version for n, d in dists.items()})
        else:
            self._plan_removal(plan, current, dists)
        return plan

    def _plan_install(self, plan: Plan, current: str | None, versions: dict[str, str]) -> None:
        wheel = self._newest().get(plan.package)
        if wheel is None:
            plan.problems.append(f"{plan.package} is not offered by the wheelhouse")
            return
        if plan.action == "install" and current is not None:
            plan.problems.append(f"{plan.package} {current} is already installed")
        if plan.action in ("upgrade", "reinstall") and current is None:
            plan.problems.append(f"{plan.package} is not installed")
        if plan.action == "upgrade" and current is not None and not _newer(wheel.version, current):
            plan.problems.append(f"{plan.package} {current} is already the newest version")
        host_problem = host_requirement_problem(plan.package, wheel.version, wheel.requires_host)
        if host_problem:
            plan.problems.append(host_problem)
        if plan.problems:
            return
        result = subprocess.run(self._pip(*self._install_args(plan.action, wheel), "--dry-run", "--report", "-",
                                          "--quiet"), capture_output=True, text=True, timeout=PIP_TIMEOUT)
        if result.returncode:
            plan.problems.append(_pip_errors(result.stderr or result.stdout))
            return
        for item in json.loads(result.stdout).get("install", []):
            name, version = canonicalize_name(item["metadata"]["name"]), item["metadata"]["version"]
            before = versions.get(name)
            change = "install" if before is None else ("reinstall" if before == version else "upgrade")
            plan.changes.append(PlannedChange(name, change, version, before or ""))
            plan.download_size += _local_size(item.get("download_info", {}).get("url", ""))
        if wheel.requires_host:
            plan.notes.append(f"Needs splynx-host {wheel.requires_host}: this host fits.")

    def _plan_removal(self, plan: Plan, current: str | None, dists) -> None:
        if current is None:
            if plan.action == "remove":
                plan.problems.append(f"{plan.package} is not installed")
            return
        plan.changes.append(PlannedChange(plan.package, "remove", current))
        for other, dist in sorted(dists.items()):
            if other != plan.package and plan.package in _required_names(dist):
                plan.problems.append(f"{other} needs {plan.package}; remove {other} first")

    # -- running --------------------------------------------------------------------------

    def _pip(self, *args: str) -> list[str]:
        command = [sys.executable, "-m", "pip", "--isolated", "--disable-pip-version-check", "--no-input"]
        if os.path.abspath(self.python) != os.path.abspath(sys.executable):  # venv pythons are symlinks
            command += ["--python", self.python]
        return command + list(args)

    def _install_args(self, action: str, wheel: Wheel) -> list[str]:
        args = ["install", "--progress-bar", "off", *self.source.pip_options()]
        if action == "reinstall":
            args += ["--force-reinstall", "--no-deps"]
        return args + [f"{wheel.name}=={wheel.version}"]

    def run(self, action: str, name: str, out: Reporter) -> None:
        check_action(action)
        problem = package_problem(name)
        if problem:
            raise PackageError(problem)
        if action in INSTALLING:
            wheel = self._newest().get(name)
            if wheel is None:
                raise PackageError(f"{name} is not offered by the wheelhouse")
            command = self._pip(*self._install_args(action, wheel))
        else:
            command = self._pip("uninstall", "--yes", name)
        out.log("$ pip " + " ".join(command[command.index("pip") + 1:]))
        self._stream(command, out)
        importlib.invalidate_caches()

    @staticmethod
    def _stream(command: list[str], out: Reporter) -> None:
        lines: list[str] = []
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              text=True, bufsize=1) as process:
            for line in process.stdout:
                line = line.rstrip("\n")
                lines.append(line)
                out.log(line)
                for marker, percent in MILESTONES:
                    if line.lstrip().startswith(marker):
                        out.progress(percent)
            try:
                code = process.wait(timeout=PIP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                raise PackageError(f"pip did not finish within {PIP_TIMEOUT} s") from None
        if code:
            raise PackageError(_pip_errors("\n".join(lines)) if lines else f"pip exited with status {code}")


def _local_size(url: str) -> int:
    if not url.startswith("file:"):
        return 0
    path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    return path.stat().st_size if path.exists() else 0


def _required_names(dist: importlib.metadata.Distribution) -> set[str]:
    names = set()
    for line in dist.requires or ():
        try:
            names.add(canonicalize_name(Requirement(line).name))
        except InvalidRequirement:
            continue
    return names
