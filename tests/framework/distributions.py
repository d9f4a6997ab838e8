"""Fake installed distributions on sys.path, so entry-point discovery runs for real."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path


def make_distribution(root: Path, dist_name: str, version: str, entry_points: dict[str, str],
                      modules: dict[str, str]) -> None:
    """Write ``<dist>.dist-info`` plus module sources into ``root`` (which must be on sys.path)."""
    info = root / f"{dist_name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: {version}\n")
    lines = ["[splynx.addons]"] + [f"{name} = {target}" for name, target in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for dotted, source in modules.items():
        path = root.joinpath(*dotted.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.parents:
            if parent == root:
                break
            (parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(source))


class SysPath:
    """Context manager adding a folder to sys.path and forgetting the modules imported from it."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)

    def __enter__(self):
        sys.path.insert(0, self.root)
        self._before = set(sys.modules)
        return self

    def __exit__(self, *exc):
        sys.path.remove(self.root)
        for name in set(sys.modules) - self._before:
            origin = getattr(sys.modules[name], "__file__", None) or ""
            if origin.startswith(self.root):
                del sys.modules[name]
