"""debian/changelog written from the project's release notes (packaging/debian/release-notes.md).

A package's changelog holds one entry per section ``## <package> <version> (<YYYY-MM-DD>)``
of the release notes, newest first, each ``- `` item a changelog bullet. A build of a
version the notes do not have yet (a development or test build) gets a first entry of its
own saying so. Runs on the build machine's /usr/bin/python3 (stdlib only).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

RELEASE_NOTES = Path(__file__).resolve().parent / "release-notes.md"
_HEADING = re.compile(r"^## (?P<package>[a-z0-9][a-z0-9.+-]+) (?P<version>\S+) \((?P<date>\d{4}-\d{2}-\d{2})\)$")


@dataclass
class Release:
    """One section of the release notes."""

    package: str
    version: str
    date: datetime
    items: list[str] = field(default_factory=list)


def read_release_notes(path: Path = RELEASE_NOTES) -> list[Release]:
    """Every release in ``path``, in file order (newest first)."""
    releases: list[Release] = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if match := _HEADING.match(line):
            date = datetime.strptime(match["date"], "%Y-%m-%d").replace(hour=12, tzinfo=timezone.utc)
            releases.append(Release(match["package"], match["version"], date))
        elif line.startswith("## "):
            raise ValueError(f"{path}:{number}: expected '## <package> <version> (<YYYY-MM-DD>)'")
        elif releases and line.startswith("- "):
            releases[-1].items.append(line[2:].strip())
        elif releases and line.startswith("  ") and releases[-1].items:
            releases[-1].items[-1] += " " + line.strip()
    return releases


def _entry(package: str, version: str, items: list[str], maintainer: str, date: datetime) -> str:
    bullets = "".join(textwrap.fill(item, width=78, initial_indent="  * ", subsequent_indent="    ") + "\n"
                      for item in items)
    return (f"{package} ({version}) trixie; urgency=medium\n\n{bullets}\n"
            f" -- {maintainer}  {format_datetime(date)}\n")


def render(package: str, version: str, maintainer: str, build_date: datetime,
           debian_version=lambda v: v, releases: list[Release] | None = None) -> str:
    """The changelog of ``package`` at Debian ``version``; ``debian_version`` maps a notes version."""
    releases = read_release_notes() if releases is None else releases
    own = [r for r in releases if r.package == package]
    entries = [_entry(package, debian_version(r.version), r.items, maintainer, r.date) for r in own]
    if not any(debian_version(r.version) == version for r in own):
        entries.insert(0, _entry(package, version, [f"Development build of {package} {version}; "
                                                    "its changes are not in the release notes yet."],
                                 maintainer, build_date))
    return "\n".join(entries)
