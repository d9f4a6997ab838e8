"""The interface every package backend implements, and the values it answers with."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Protocol

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from ..version import HOST_VERSION

#: what an operator can do to an add-on package
ACTIONS = ("install", "upgrade", "reinstall", "remove", "purge")
#: actions that put code on the machine (planned with a dry run, checked against the host)
INSTALLING = ("install", "upgrade", "reinstall")
HOST_PACKAGE = "splynx-host"


class PackageError(RuntimeError):
    """A package operation failed or was refused; the message is meant for the operator."""


class Reporter(Protocol):
    """Where a running operation sends its output (a job's context fits)."""

    def log(self, line: str) -> None: ...

    def progress(self, percent: float) -> None: ...


@dataclass(frozen=True)
class PackageInfo:
    """One add-on package the backend offers (the newest version it has)."""

    name: str
    version: str
    description: str = ""
    #: bytes on disk once installed
    installed_size: int = 0
    #: bytes to fetch
    download_size: int = 0
    #: the host versions this package accepts (PEP 440 or Debian relation), "" when unbounded
    requires_host: str = ""


@dataclass(frozen=True)
class InstalledPackage:
    """One add-on package present on the machine."""

    name: str
    version: str
    installed_size: int = 0


@dataclass(frozen=True)
class PlannedChange:
    """One package the action would touch."""

    name: str
    #: install, upgrade, reinstall or remove
    change: str
    version: str = ""
    from_version: str = ""


@dataclass
class Plan:
    """The dry run shown in the confirm dialog: what happens, how much to fetch, what stops it."""

    action: str
    package: str
    changes: list[PlannedChange] = field(default_factory=list)
    download_size: int = 0
    #: reasons the action cannot run; a plan with problems is refused
    problems: list[str] = field(default_factory=list)
    #: facts worth knowing that do not stop the action
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"action": self.action, "package": self.package, "ok": self.ok, "download_size": self.download_size,
                "problems": list(self.problems), "notes": list(self.notes),
                "changes": [vars(c) for c in self.changes]}


class PackageBackend(ABC):
    """Install, upgrade and remove add-on packages from one source.

    ``name`` must pass :func:`core.packages.names.package_problem`; implementations
    refuse any other name with :class:`PackageError`.
    """

    #: short name shown to operators, e.g. ``wheelhouse`` or ``apt``
    kind: str = ""
    #: the label of the catalog's refresh button
    refresh_label: str = "Update"

    @abstractmethod
    def refresh(self, out: Reporter) -> None:
        """Re-read the package index (``apt-get update``, rescan the wheelhouse)."""

    @abstractmethod
    def available(self) -> list[PackageInfo]:
        """The newest version of every add-on package the source offers."""

    @abstractmethod
    def installed(self) -> list[InstalledPackage]:
        """Add-on packages present on the machine."""

    @abstractmethod
    def plan(self, action: str, name: str) -> Plan:
        """A dry run of ``action`` on ``name``; never changes the machine."""

    @abstractmethod
    def run(self, action: str, name: str, out: Reporter) -> None:
        """Carry ``action`` out, reporting log lines and progress; raise :class:`PackageError` on failure."""

    def installed_version(self, name: str) -> str | None:
        return next((p.version for p in self.installed() if p.name == name), None)

    def offered(self, name: str) -> PackageInfo | None:
        return next((p for p in self.available() if p.name == name), None)


def check_action(action: str) -> None:
    if action not in ACTIONS:
        raise PackageError(f"unknown package action {action!r}; expected one of {', '.join(ACTIONS)}")


_DEBIAN_RELATION = re.compile(r"^\s*(>=|<=|>>|<<|=)\s*(\S+)\s*$")
_DEBIAN_OPS = {">=": ">=", "<=": "<=", ">>": ">", "<<": "<", "=": "=="}


def _upstream(version: str) -> str:
    """``2:1.2.0-1`` -> ``1.2.0`` (drop the Debian epoch and revision)."""
    return version.split(":", 1)[-1].rsplit("-", 1)[0]


def debian_to_pep440(relations: str) -> str:
    """``>= 1.0, << 2`` (Debian) -> ``>=1.0,<2`` (PEP 440); ``""`` if a part is not understood."""
    parts = []
    for piece in relations.split(","):
        match = _DEBIAN_RELATION.match(piece)
        if match is None:
            return ""
        parts.append(_DEBIAN_OPS[match.group(1)] + _upstream(match.group(2)))
    return ",".join(parts)


def host_requirement_problem(package: str, version: str, requirement: str,
                             host_version: str = HOST_VERSION) -> str | None:
    """Why ``package`` cannot run on this host, judged by its PEP 440 host requirement.

    ``None`` when the host fits, or when the requirement is empty or not understood (the
    installer and the add-on's manifest check still stand behind this one).
    """
    if not requirement.strip():
        return None
    try:
        fits = Version(host_version) in SpecifierSet(requirement)
    except (InvalidSpecifier, InvalidVersion):
        return None
    if fits:
        return None
    return (f"{package} {version} needs splynx-host {requirement}, but this host runs {host_version}. "
            "Upgrade the host first.")
