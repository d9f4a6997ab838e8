"""Reading apt's answers: ``apt-cache show`` records, ``apt-cache policy`` and ``apt-get -s``.

Pure text parsing, shared by the apt backend (web side) and the root helper (root side),
so both judge packages and origins the same way and the parsing is tested without apt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .base import PlannedChange


def parse_records(text: str) -> list[dict[str, str]]:
    """deb822 stanzas (``apt-cache show``, ``dpkg-query``) as dicts; continuation lines joined."""
    records, current, key = [], {}, None
    for line in text.splitlines():
        if not line.strip():
            if current:
                records.append(current)
            current, key = {}, None
        elif line[0] in " \t" and key:
            current[key] += "\n" + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            key = key.strip()
            current[key] = value.strip()
    if current:
        records.append(current)
    return records


@dataclass
class PackagePolicy:
    """One package in ``apt-cache policy``: installed and candidate versions, sources per version."""

    name: str
    installed: str | None = None
    candidate: str | None = None
    #: version -> source lines ("500 http://host trixie/main amd64 Packages")
    sources: dict[str, list[str]] = field(default_factory=dict)


_SOURCE_LINE = re.compile(r"^\s*(-?\d+)\s+(\S.*\S)\s*$")
_VERSION_LINE = re.compile(r"^\s*(?:\*\*\*\s+)?(\S+)\s+(-?\d+)\s*$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def parse_policy(text: str) -> dict[str, PackagePolicy]:
    """``apt-cache policy PKG...`` output -> one :class:`PackagePolicy` per package."""
    packages: dict[str, PackagePolicy] = {}
    current: PackagePolicy | None = None
    version: str | None = None
    for line in text.splitlines():
        if line and not line[0].isspace() and line.rstrip().endswith(":"):
            current = packages.setdefault(line.rstrip()[:-1], PackagePolicy(line.rstrip()[:-1]))
            version = None
            continue
        if current is None:
            continue
        stripped = line.strip()
        if stripped.startswith("Installed:"):
            value = stripped.partition(":")[2].strip()
            current.installed = None if value == "(none)" else value
        elif stripped.startswith("Candidate:"):
            value = stripped.partition(":")[2].strip()
            current.candidate = None if value == "(none)" else value
        elif stripped == "Version table:":
            continue
        elif (match := _VERSION_LINE.match(line)) and _indent(line) < 8:
            version = match.group(1)
            current.sources.setdefault(version, [])
        elif version and (match := _SOURCE_LINE.match(line)) and _indent(line) >= 8:
            current.sources[version].append(match.group(2))
    return packages


def parse_source_origins(text: str) -> dict[str, str]:
    """``apt-cache policy`` (no arguments) -> source line -> the ``o=`` origin of its Release."""
    origins: dict[str, str] = {}
    source: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        match = _SOURCE_LINE.match(line)
        if match and not stripped.startswith(("release", "origin")) and "Packages" in stripped:
            source = match.group(2)
        elif source and stripped.startswith("release "):
            fields = dict(part.split("=", 1) for part in stripped[len("release "):].split(",") if "=" in part)
            if "o" in fields:
                origins[source] = fields["o"]
            source = None
    return origins


def candidate_origins(policy: PackagePolicy, origins: dict[str, str]) -> set[str]:
    """Origins that offer the package's candidate version (``{"Splynx"}``)."""
    if policy.candidate is None:
        return set()
    return {origins[s] for s in policy.sources.get(policy.candidate, []) if s in origins}


_SIM = re.compile(r"^(Inst|Remv|Purg)\s+(\S+)(?:\s+\[([^\]]+)\])?(?:\s+\((\S+))?")
_NEED = re.compile(r"Need to get ([\d.,]+)\s*([kMG]?B)")
_UNITS = {"B": 1, "kB": 1000, "MB": 1000**2, "GB": 1000**3}


@dataclass
class Simulation:
    """What ``apt-get -s`` says would happen."""

    changes: list[PlannedChange] = field(default_factory=list)
    download_size: int = 0
    errors: list[str] = field(default_factory=list)


def parse_simulation(text: str) -> Simulation:
    """``Inst``/``Remv``/``Purg`` lines, the download size, and ``E:`` / unmet-dependency lines."""
    sim = Simulation()
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if match := _SIM.match(line):
            kind, name, old, new = match.groups()
            if kind == "Inst":
                change = "reinstall" if old and old == new else ("upgrade" if old else "install")
                sim.changes.append(PlannedChange(name, change, new or "", old or ""))
            else:
                sim.changes.append(PlannedChange(name, "remove", old or "", old or ""))
        elif match := _NEED.search(line):
            number = float(match.group(1).replace(",", ""))
            sim.download_size = int(number * _UNITS.get(match.group(2), 1))
        elif line.startswith("E:"):
            sim.errors.append(line[2:].strip())
        elif " : Depends:" in line or " : Breaks:" in line or " : Conflicts:" in line:
            sim.errors.append(line.strip())
        elif line.startswith(" ") and index and sim.errors and "Depends:" in line:
            sim.errors.append(line.strip())
    return sim
