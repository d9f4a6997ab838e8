"""piuparts (Debian's own installation, upgrade and purge checker) on the built .debs.

One run of piuparts against a trixie minbase root made with mmdebstrap (``roots.sh piuparts``)
does both of its tests on the given .deb files:

* install and purge: the .debs install together (their dependencies from the trixie mirror),
  then are purged; nothing may be left behind, changed or still running;
* upgrade: the previous versions install by name from ``previous`` (a signed apt repository,
  bind-mounted into piuparts' root and trusted through its own key), then the .debs upgrade
  them, then everything is purged and checked the same way.

The root already holds the Debian packages the .debs depend on (:func:`debian_dependencies`):
each test then installs, upgrades and purges our packages rather than a hundred of Debian's
(which Debian checks with piuparts itself), and fits the CI time. :data:`IGNORES` are the only
exceptions, each for something that is not ours. piuparts runs in a mount namespace of its
own, so nothing it mounts outlives it on the build machine.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: (piuparts option, value, why it is not ours)
IGNORES: list[tuple[str, str, str]] = [
    ("--ignore", "/var/cache/debconf/tmp.ci/",
     "debconf's scratch folder: apt's DPkg::Pre-Install-Pkgs hook (dpkg-preconfigure) makes it for "
     "every package apt installs; our packages have no debconf templates"),
]
PASS = re.compile(r"PASS: (.+?)\.?$", re.M)
FAIL = re.compile(r"FAIL: (.+?)\.?$", re.M)


@dataclass
class Verdicts:
    """What piuparts said: its PASS and FAIL lines, its exit code and where its log is."""

    passed: list[str]
    failed: list[str]
    returncode: int
    log: Path

    def tail(self, lines: int = 80) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def debian_dependencies(debs: list[Path]) -> list[str]:
    """The Debian packages the ``debs`` depend on (first alternatives, ``python3:any`` as python3), ours aside."""
    ours = {field(deb, "Package") for deb in debs} | {"splynx-addon-api"}
    names = set()
    for deb in debs:
        for clause in field(deb, "Depends").split(","):
            name = clause.split("|")[0].split("(")[0].strip().removesuffix(":any")
            if name and name not in ours:
                names.add(name)
    return sorted(names)


def field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], check=True, capture_output=True,
                          text=True).stdout.strip()


def command(debs: list[Path], previous: Path, basetgz: Path, mirror: str, work: Path) -> list[str]:
    """The piuparts command line (under ``unshare``) for ``debs`` upgrading from ``previous``."""
    keyring = previous / "splynx-archive-keyring.gpg"
    argv = ["unshare", "--mount", "--propagation", "private", "piuparts",
            "--basetgz", str(basetgz), "--distribution", "trixie", "--mirror", mirror,
            "--tmpdir", str(work), "--log-file", str(work / "piuparts.log"),
            "--bindmount", str(previous),
            "--extra-repo", f"deb [signed-by={keyring}] file://{previous} trixie main"]
    for option, value, _why in IGNORES:
        argv += [option, value]
    return argv + [str(deb) for deb in debs]


def run(debs: list[Path], previous: Path, basetgz: Path, mirror: str, work: Path) -> Verdicts:
    """Run piuparts; its verdicts (the log is ``work/piuparts.log``)."""
    work.mkdir(parents=True, exist_ok=True)
    log = work / "piuparts.log"
    log.unlink(missing_ok=True)
    proc = subprocess.run(command(debs, previous, basetgz, mirror, work), text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8"})
    text = log.read_text(errors="replace") if log.exists() else proc.stdout
    if not log.exists():
        log.write_text(proc.stdout)
    return Verdicts(PASS.findall(text), FAIL.findall(text), proc.returncode, log)
