"""Which package names are add-ons: ``splynx-<id>``, never the host or a keyring.

The web process, both backends and the root helper use this one rule, so a name the
catalog would never show cannot be installed or removed through any of them.
"""

from __future__ import annotations

import re

ADDON_PACKAGE = re.compile(r"splynx-[a-z0-9]+(?:-[a-z0-9]+)*\Z")
#: packages named like add-ons that are not add-ons
NOT_ADDONS = frozenset({"splynx-host"})


def package_problem(name: str) -> str | None:
    """Why ``name`` is not an add-on package name, or ``None`` when it is one."""
    if not isinstance(name, str) or not ADDON_PACKAGE.match(name):
        return f"{name!r} is not an add-on package name (splynx-<name>, lowercase letters, digits and dashes)"
    if name in NOT_ADDONS or name.endswith("-keyring"):
        return f"{name} is part of the host, not an add-on"
    if len(name) > 64:
        return f"{name!r} is too long for a package name"
    return None


def is_addon_package(name: str) -> bool:
    return package_problem(name) is None
