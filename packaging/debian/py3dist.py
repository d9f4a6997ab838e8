"""debian/py3dist-overrides that keep the version bounds of a distribution's requirements.

dh_python3 maps each requirement of a .dist-info to a Debian package through dh-python's
fallback list, but drops the requirement's version bounds (``requests>=2.31`` becomes a
bare ``python3-requests``) unless an override line asks for PEP 440 translation, and its
``--accept-upstream-versions`` does not reach requirements read from .dist-info. So the
build writes one override line per requirement of setup.cfg: the Debian package the
fallback list names, ``; PEP440``. Requirements the fallback does not know are left to
dh_python3, which then reports them (and build_debs.py fails). Stdlib only.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

FALLBACK = "/usr/share/dh-python/dist/cpython3_fallback"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def safe_name(name: str) -> str:
    """A distribution name as dh-python compares them (``Flask-WTF`` -> ``flask_wtf``)."""
    return re.sub(r"[^A-Za-z0-9.]+", "_", name).lower()


def requirement_names(setup_cfg: Path) -> list[str]:
    """The distribution names in ``[options] install_requires`` of ``setup_cfg``."""
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(setup_cfg)
    lines = cfg.get("options", "install_requires", fallback="").splitlines()
    return [m[1] for line in lines if (m := _NAME.match(line.split("#", 1)[0]))]


def fallback_packages(text: str) -> dict[str, str]:
    """dh-python's fallback list: safe distribution name -> Debian package."""
    pairs = (line.split() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {safe_name(pair[0]): pair[1] for pair in pairs if len(pair) == 2}


def overrides(names: list[str], fallback: dict[str, str], fixed: dict[str, str]) -> str:
    """The py3dist-overrides text; ``fixed`` maps a name to its own dependency ("": no dependency)."""
    fixed = {safe_name(name): dependency for name, dependency in fixed.items()}
    lines = []
    for key in map(safe_name, names):
        if key in fixed:
            lines.append(f"{key} {fixed[key]}".rstrip())
        elif key in fallback:
            lines.append(f"{key} {fallback[key]}; PEP440")
    return "".join(line + "\n" for line in lines)
