"""Checks of an add-on as a package: its names agree with its id, and its wheel is complete.

Both build nothing of the host; they read the installed entry point and build the add-on's
wheel from a copy of its source tree (setuptools leaves ``build/`` and ``*.egg-info/`` behind
in the tree it builds).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from core.manifest import AddonManifest


def addon_entry_point(manifest: AddonManifest) -> EntryPoint:
    """The installed ``splynx.addons`` entry point named after the add-on's id (exactly one)."""
    (point,) = [p for p in entry_points(group="splynx.addons") if p.name == manifest.id]
    return point


def check_names(manifest: AddonManifest, tables: Iterable[str] = ()) -> None:
    """The entry point, distribution, import package and ``tables`` all derive from the id."""
    point = addon_entry_point(manifest)
    manifest.identity.check(entry_point_name=point.name, dist_name=point.dist.metadata["Name"],
                            import_name=point.value, tables=list(tables))


def check_wheel(project_root: Path, tmp_path: Path, manifest: AddonManifest, needed: Iterable[str]) -> None:
    """Build the add-on's wheel; it holds every path in ``needed``, no tests, and the entry point."""
    source = tmp_path / "src"
    shutil.copytree(project_root, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True)
    point = addon_entry_point(manifest)
    package, version = point.value.split(".")[0], point.dist.version
    (wheel,) = tmp_path.glob(f"{package}-{version}-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        missing = [path for path in needed if path not in names]
        assert not missing, f"the wheel lacks {missing}"
        assert not any(name.startswith("tests/") for name in names), "the wheel carries the tests"
        metadata = archive.read(f"{package}-{version}.dist-info/entry_points.txt").decode()
    assert "[splynx.addons]" in metadata and f"{manifest.id} = {point.value}" in metadata
