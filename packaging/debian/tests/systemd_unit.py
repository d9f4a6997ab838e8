"""Start a systemd service of an installed package by hand, the way systemd would.

The build and CI machines have no systemd, so the install test reads the unit file the
package installed and runs its ExecCondition/ExecStart as its User, in its
WorkingDirectory, with exactly the variables of its EnvironmentFile. The command that
runs is the one shipped, not a copy of it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

UNIT_DIR = "/usr/lib/systemd/system"


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile reads them (comments, optional quotes)."""
    env = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")) or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env[key.strip()] = value
    return env


@dataclass
class Unit:
    """The [Service] settings the test needs from a unit file."""

    name: str
    user: str = "root"
    working_directory: str = "/"
    environment_files: list[str] = field(default_factory=list)
    exec_condition: list[str] = field(default_factory=list)
    exec_start: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, root_path: Path, name: str) -> "Unit":
        unit = cls(name)
        section = None
        for raw in (root_path / UNIT_DIR.lstrip("/") / name).read_text().splitlines():
            line = raw.strip()
            if line.startswith("["):
                section = line
            elif section == "[Service]" and "=" in line and not line.startswith("#"):
                key, value = (part.strip() for part in line.split("=", 1))
                if key == "User":
                    unit.user = value
                elif key == "WorkingDirectory":
                    unit.working_directory = value
                elif key == "EnvironmentFile":
                    unit.environment_files.append(value)
                elif key == "ExecCondition":
                    unit.exec_condition = shlex.split(value)
                elif key == "ExecStart":
                    unit.exec_start = shlex.split(value)
        if not unit.exec_start:
            raise ValueError(f"{name} has no ExecStart")
        return unit

    def environment(self, root_path: Path) -> dict[str, str]:
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
        for path in self.environment_files:
            optional = path.startswith("-")
            file = root_path / path.lstrip("-").lstrip("/")
            if file.exists() or not optional:
                env.update(parse_env_file(file.read_text()))
        return env

    def command(self, root_path: Path, argv: list[str]) -> list[str]:
        """``argv`` as systemd runs it: clean environment, working directory (user via Root)."""
        env = [f"{k}={v}" for k, v in self.environment(root_path).items()]
        return ["env", "-i", "-C", self.working_directory, *env, *argv]
