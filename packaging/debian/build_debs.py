#!/usr/bin/python3
"""Build splynx-host and add-on .debs with dh-python/pybuild inside a cached trixie root.

    build_debs.py --all                    host + every plugins/*/ with a setup.cfg -> build/debs
    build_debs.py --host --plugin DIR ...  just these
    build_debs.py --plugin DIR --set-version 1.0.1   a newer build of one add-on (or of --host)

The version of each package comes from one place: core/version.py for the host, the
add-on's setup.cfg for an add-on; debian/changelog is written at build time from it and
from release-notes.md. Every package installs its Python packages into the application's
private folder /usr/share/splynx-host, nothing into dist-packages. Every .deb is checked
with lintian (pedantic tags shown; an error or a warning fails the build) and the host's
services with systemd-analyze security (see unit_security.py).

The maintainer and the project's URL (Homepage:, debian/copyright's Source:) come from
project.env, or from DEB_MAINTAINER and DEB_SOURCE_URL when set in the environment.
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import changelog  # noqa: E402
import py3dist  # noqa: E402
import unit_security  # noqa: E402
from addon_source import AddonSource, debian_version, read_addon  # noqa: E402
from chroot import Root  # noqa: E402

REPO = HERE.parent.parent
HOST_DEBIAN = HERE / "splynx-host" / "debian"
#: splynx_testing is the test kit add-on authors use (a pytest plugin); the build-time tests need it too
HOST_MODULES = {"core", "hostapp", "splynx_testing"}
#: where splynx-host and its add-ons install their Python packages (see debian/extra/splynx-run)
PRIVATE_DIR = ("usr", "share", "splynx-host")
PUBLIC_DIRS = (("usr", "lib", "python3"), ("usr", "local"))
HOST_SOURCES = ("core", "hostapp", "splynx_testing", "tests", "setup.cfg", "pyproject.toml", "README.md", "LICENSE")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist", ".pybuild",
                                ".pytest_cache", "debian")


def project_identity(path: Path = HERE / "project.env") -> dict[str, str]:
    """``KEY="value"`` lines of project.env (shell syntax, read by mkrepo.sh too), the environment winning."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = " ".join(shlex.split(value))
    return {key: os.environ.get(key) or value for key, value in values.items()}


IDENTITY = project_identity()
MAINTAINER = IDENTITY["DEB_MAINTAINER"]
SOURCE_URL = IDENTITY["DEB_SOURCE_URL"]
#: requirements whose Debian dependency debian/control states itself (an add-on's host range)
CONTROL_STATED = {"splynx-host": ""}
PYPROJECT = '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n'


def _version_constant(name: str) -> str:
    tree = ast.parse((REPO / "core" / "version.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == name:
            return ast.literal_eval(node.value)
    raise SystemExit(f"core/version.py has no {name}")


def host_version() -> str:
    """The splynx-host release (``core.version.HOST_VERSION``)."""
    return _version_constant("HOST_VERSION")


def api_version() -> str:
    """The add-on API version the host provides (``core.version.API_VERSION``)."""
    return _version_constant("API_VERSION")


def plugin_dirs() -> list[Path]:
    return sorted(p.parent for p in (REPO / "plugins").glob("*/setup.cfg"))


def source_date() -> int:
    """The last commit's time (reproducible builds), else now."""
    try:
        return int(subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%ct"], check=True,
                                  capture_output=True, text=True).stdout.strip())
    except (subprocess.CalledProcessError, ValueError, FileNotFoundError):
        return int(time.time())


def substitute(debian: Path, names: tuple[str, ...], values: dict[str, str]) -> None:
    """Replace each ``@KEY@`` of ``values`` in the files ``names`` of a debian/ folder."""
    for name in names:
        path = debian / name
        text = path.read_text()
        for key, value in values.items():
            text = text.replace(key, value)
        path.write_text(text)


def project_values() -> dict[str, str]:
    """The project facts every debian/ folder is rendered with (the date: the sources' last change)."""
    date = datetime.fromtimestamp(source_date(), timezone.utc).strftime("%Y-%m-%d")
    return {"@MAINTAINER@": MAINTAINER, "@SOURCE_URL@": SOURCE_URL, "@DATE@": date,
            "@API_VERSION@": debian_version(api_version())}


def set_version_line(path: Path, pattern: str, line: str) -> None:
    """Replace the first line of ``path`` matching ``pattern`` with ``line`` (a version bump)."""
    text, count = re.subn(pattern, line, path.read_text(), count=1, flags=re.M)
    if not count:
        raise SystemExit(f"{path} has no version line to replace")
    path.write_text(text)


def stage_host(dest: Path, set_version: str | None) -> str:
    for name in HOST_SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=IGNORE)
        elif source.exists():
            shutil.copy2(source, dest / name)
    if set_version:
        set_version_line(dest / "core" / "version.py", r"^HOST_VERSION = .*$", f"HOST_VERSION = {set_version!r}")
    shutil.copytree(HOST_DEBIAN, dest / "debian")
    substitute(dest / "debian", ("control", "copyright", "extra/splynx.1", "extra/splynx-addon-helper.8"),
               project_values())
    return debian_version(set_version or host_version())


def stage_addon(addon: AddonSource, dest: Path, set_version: str | None) -> str:
    shutil.copytree(addon.path, dest, ignore=IGNORE, dirs_exist_ok=True)
    if set_version:
        set_version_line(dest / "setup.cfg", r"^version\s*=.*$", f"version = {set_version}")
    if not (dest / "pyproject.toml").exists():
        (dest / "pyproject.toml").write_text(PYPROJECT)
    addon.render_debian(dest / "debian", project_values())
    return debian_version(set_version or addon.version)


class Builder:
    """Stages sources into the build root, runs dpkg-buildpackage there, collects the .debs."""

    def __init__(self, root: Root, out: Path, check: bool = True) -> None:
        self.root = root
        self.out = out
        self.options = "" if check else "nocheck"
        self.src = root.host_path("/build/src")
        self.epoch = source_date()
        self.built: list[Path] = []

    def build(self, package: str, stage, modules: set[str]) -> Path:
        """Build ``package``; ``modules`` are the only top-level Python names it may ship."""
        started = time.monotonic()
        tree = self.src / package
        if tree.exists():
            shutil.rmtree(tree)
        tree.mkdir(parents=True)
        version = stage(tree)
        fallback = py3dist.fallback_packages(self.root.host_path(py3dist.FALLBACK).read_text())
        (tree / "debian" / "py3dist-overrides").write_text(py3dist.overrides(
            py3dist.requirement_names(tree / "setup.cfg"), fallback, CONTROL_STATED))
        (tree / "debian" / "changelog").write_text(changelog.render(
            package, version, MAINTAINER, datetime.fromtimestamp(self.epoch, timezone.utc), debian_version))
        for old in self.src.glob(f"{package}_*"):
            old.unlink()
        proc = self.root.run(["sh", "-c", f"cd /build/src/{package} && dpkg-buildpackage -us -uc -b"],
                             env={"SOURCE_DATE_EPOCH": str(self.epoch), "HOME": "/build",
                                  "DEB_BUILD_OPTIONS": self.options}, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{package}: dpkg-buildpackage failed\n{proc.stdout[-6000:]}")
        unmapped = re.findall(r"Cannot find package that provides (\S+?)\.", proc.stdout)
        if unmapped:
            raise SystemExit(f"{package}: no Debian package for Python requirement(s) {', '.join(unmapped)}; "
                             "map each in packaging/debian/addon/debian/py3dist-overrides")
        deb = self.src / f"{package}_{version}_all.deb"
        shipped, public = python_files(deb)
        if public:
            raise SystemExit(f"{package}: ships Python files outside {'/'.join(PRIVATE_DIR)}: {public[:5]}")
        if shipped != modules:
            raise SystemExit(f"{package}: ships Python top-level {sorted(shipped)}, expected {sorted(modules)} "
                             "(exclude tests and helpers from the distribution's packages)")
        self.out.mkdir(parents=True, exist_ok=True)
        for stale in self.out.glob(f"{package}_*.deb"):
            stale.unlink()
        target = self.out / deb.name
        shutil.copy2(deb, target)
        shutil.rmtree(tree)
        self.built.append(target)
        print(f"built {target.relative_to(REPO) if target.is_relative_to(REPO) else target}"
              f" in {time.monotonic() - started:.1f} s", flush=True)
        return target

    def lint(self) -> None:
        """lintian (trixie's, pedantic, overrides ignored) on every .deb built, and the host's unit scores."""
        started = time.monotonic()
        inbox = self.root.host_path("/build/lint")
        shutil.rmtree(inbox, ignore_errors=True)
        inbox.mkdir(parents=True)
        for deb in self.built:
            shutil.copy2(deb, inbox / deb.name)
        proc = self.root.run(["sh", "-c", "lintian --pedantic --display-info --no-override --fail-on error,warning "
                              "--tag-display-limit 0 /build/lint/*.deb"],
                             user="nobody", env={"HOME": "/tmp"}, check=False)
        print(proc.stdout.strip() or "lintian: no tags", flush=True)
        print(f"lintian on {len(self.built)} package(s) in {time.monotonic() - started:.1f} s", flush=True)
        problems = ["lintian reported errors or warnings"] if proc.returncode != 0 else []
        for deb in self.built:
            if deb.name.startswith("splynx-host_"):
                scores = unit_security.rate(self.root, f"/build/lint/{deb.name}")
                for unit, (score, verdict) in sorted(scores.items()):
                    print(f"systemd-analyze security: {unit:<28}{score:4.1f} {verdict}", flush=True)
                problems += unit_security.check(scores)
        shutil.rmtree(inbox)
        if problems:
            raise SystemExit("; ".join(problems))


def python_files(deb: Path) -> tuple[set[str], list[str]]:
    """Top-level Python names in the private folder of ``deb`` (dist-info aside), and any public Python paths."""
    listing = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(listing)) as tar:
        parts = [Path(member.name).parts for member in tar.getmembers()]  # "./usr/..." -> ("usr", ...)
    depth = len(PRIVATE_DIR)
    names = {p[depth] for p in parts if len(p) > depth and p[:depth] == PRIVATE_DIR}
    public = ["/".join(p) for p in parts if p and p[-1].endswith(".py") and any(p[:len(d)] == d for d in PUBLIC_DIRS)]
    return {name.removesuffix(".py") for name in names if not name.endswith(".dist-info")}, public


def build_root() -> Root:
    path = subprocess.run(["sh", str(HERE / "roots.sh"), "build"], check=True, text=True,
                          stdout=subprocess.PIPE).stdout.strip()
    return Root(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "debs")
    parser.add_argument("--all", action="store_true", help="the host and every add-on under plugins/")
    parser.add_argument("--host", action="store_true", help="build splynx-host")
    parser.add_argument("--plugin", type=Path, action="append", default=[], help="an add-on source folder")
    parser.add_argument("--set-version", help="build the host and add-on(s) as this (PEP 440) version")
    parser.add_argument("--no-lint", action="store_true")
    parser.add_argument("--no-check", action="store_true", help="skip the build-time tests (DEB_BUILD_OPTIONS=nocheck)")
    args = parser.parse_args(argv)
    plugins = plugin_dirs() + args.plugin if args.all else args.plugin
    if not (args.all or args.host or plugins):
        parser.error("nothing to build: give --all, --host or --plugin")

    started = time.monotonic()
    builder = Builder(build_root(), args.out.resolve(), check=not args.no_check)
    if args.all or args.host:
        builder.build("splynx-host", lambda dest: stage_host(dest, args.set_version), HOST_MODULES)
    for path in plugins:
        addon = read_addon(path, host_version(), api_version())
        builder.build(addon.deb_name, lambda dest, a=addon: stage_addon(a, dest, args.set_version),
                      {addon.import_package})
    if not args.no_lint:
        builder.lint()
    print(f"{len(builder.built)} package(s) in {time.monotonic() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
