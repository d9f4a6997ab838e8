"""Build a wheelhouse from add-on source trees (``splynx demo --plugins``, the tests).

Each source tree becomes a wheel; the third-party packages the add-ons need are added as
wheels too, so installing from the wheelhouse needs no other index. The host and other
add-ons are not: they are on the machine, or in the wheelhouse as add-ons themselves.
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .base import PackageError
from .wheels import Wheel


IGNORED = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__", "*.pyc")


def _can_build_in_place() -> bool:
    """Whether this environment's setuptools builds wheels itself (70.1+), sparing an isolated env."""
    try:
        return Version(importlib.metadata.version("setuptools")) >= Version("70.1")
    except (importlib.metadata.PackageNotFoundError, InvalidVersion):
        return False


def _pip_wheel(args: list[str]) -> None:
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        raise PackageError(f"building wheels failed: {(result.stderr or result.stdout).strip()[-2000:]}")


def is_source_tree(path: Path) -> bool:
    return path.is_dir() and ((path / "setup.cfg").exists() or (path / "pyproject.toml").exists())


def build_wheels(sources: list[Path], target: Path, *, with_dependencies: bool = True) -> list[Wheel]:
    """Build a wheel per source tree into ``target``; return the add-on wheels built."""
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        # build from copies: setuptools leaves build/ and *.egg-info in the tree it builds
        copies = [shutil.copytree(source, Path(scratch) / "src" / source.name, ignore=IGNORED) for source in sources]
        options = ["--no-build-isolation"] if _can_build_in_place() else []
        out = Path(scratch) / "wheels"
        _pip_wheel(["--no-deps", *options, "--wheel-dir", str(out), *(str(c) for c in copies)])
        built = [Wheel.read(path.replace(target / path.name)) for path in sorted(out.glob("*.whl"))]
    if with_dependencies:
        provided = {w.name for w in built}
        needed = sorted({line for wheel in built for line in wheel.requires
                         if _third_party(line, provided)})
        if needed:
            _pip_wheel(["--wheel-dir", str(target), *needed])
    return built


def _third_party(line: str, provided: set[str]) -> bool:
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return False
    name = canonicalize_name(requirement.name)
    return not name.startswith("splynx-") and name not in provided and requirement.marker is None


def _newest_change(tree: Path) -> float:
    """The newest source file's time (build output and caches left out)."""
    return max((p.stat().st_mtime for p in tree.rglob("*") if p.is_file()
                and not {"__pycache__", "build", "dist"} & set(p.relative_to(tree).parts)
                and not any(part.endswith(".egg-info") for part in p.parts)), default=0.0)


def update_wheelhouse(parent: Path, target: Path) -> list[Wheel]:
    """Build wheels for every source tree under ``parent`` that changed since its last build.

    A stamp file in ``target`` remembers when each tree was built, so starting the demo
    again does not rebuild unchanged add-ons. Returns the wheels built now.
    """
    stamp = target / ".built-from.json"
    built_at = json.loads(stamp.read_text()) if stamp.exists() else {}
    stale = [tree for tree in sorted(parent.iterdir()) if is_source_tree(tree)
             and built_at.get(str(tree.resolve()), -1.0) < _newest_change(tree)]
    if not stale:
        return []
    wheels = build_wheels(stale, target)
    built_at.update({str(tree.resolve()): _newest_change(tree) for tree in stale})
    stamp.write_text(json.dumps(built_at, indent=1))
    return wheels
