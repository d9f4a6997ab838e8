"""The systemd sandbox of the services a .deb ships, as ``systemd-analyze security --offline`` rates it.

0 is a fully locked-down service, 10 one with every door open. The services that run as
user ``splynx`` (web, worker, charge) must rate at most :data:`MAX_EXPOSURE`; the add-on
helper runs apt-get and dpkg as root, so its figure is shown but not bounded.
"""

from __future__ import annotations

import re
import shlex

from chroot import Root

MAX_EXPOSURE = 2.5
BOUNDED = ("splynx-web.service", "splynx-worker.service", "splynx-charge.service", "splynx-reconcile.service",
           "splynx-mail.service")
_OVERALL = re.compile(r"Overall exposure level for (?P<unit>\S+): (?P<score>\d+(?:\.\d+)?) (?P<verdict>\S+)")


def rate(root: Root, deb: str) -> dict[str, tuple[float, str]]:
    """{unit: (exposure, verdict)} for every .service in ``deb`` (a path inside ``root``)."""
    unpacked = f"/build/units/{deb.rsplit('/', 1)[-1]}"
    proc = root.run(["sh", "-ec", f"rm -rf {unpacked}; mkdir -p {unpacked}; dpkg-deb -x {shlex.quote(deb)} {unpacked}; "
                     f"cd {unpacked}/usr/lib/systemd/system 2>/dev/null || exit 0; "
                     "for unit in *.service; do systemd-analyze security --offline=true --no-pager \"$unit\"; done; "
                     f"rm -rf {unpacked}"], env={"SYSTEMD_COLORS": "0"}, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"systemd-analyze security failed on {deb}:\n{proc.stdout[-3000:]}")
    return {m["unit"]: (float(m["score"]), m["verdict"]) for m in _OVERALL.finditer(proc.stdout)}


def check(scores: dict[str, tuple[float, str]]) -> list[str]:
    """The bounded services that rate worse than :data:`MAX_EXPOSURE` (or were not rated)."""
    problems = [f"{unit}: not rated" for unit in BOUNDED if unit not in scores]
    return problems + [f"{unit}: exposure {score} > {MAX_EXPOSURE}" for unit, (score, _) in sorted(scores.items())
                       if unit in BOUNDED and score > MAX_EXPOSURE]
