"""Add-on wheels and where they come from: a folder, or a PEP 503 simple index.

A :class:`WheelSource` lists the add-on wheels it offers as :class:`Wheel` objects read
from the wheel files themselves (name, version, summary, host requirement, sizes). An
index's wheels are downloaded into a cache folder once, so reading their metadata and
sizes works the same way as for a folder.
"""

from __future__ import annotations

import re
import shutil
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from html.parser import HTMLParser
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .base import HOST_PACKAGE, PackageError
from .names import is_addon_package

#: how long an index may take to answer, in seconds
INDEX_TIMEOUT = 30


@dataclass(frozen=True)
class Wheel:
    """One wheel file and what its metadata says."""

    path: Path
    name: str
    version: str
    summary: str
    requires: tuple[str, ...]
    installed_size: int

    @property
    def download_size(self) -> int:
        return self.path.stat().st_size

    @property
    def sort_key(self) -> Version:
        try:
            return Version(self.version)
        except InvalidVersion:
            return Version("0")

    @property
    def requires_host(self) -> str:
        """The specifier this wheel puts on splynx-host (``""`` when it names none)."""
        for line in self.requires:
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                continue
            if canonicalize_name(requirement.name) == HOST_PACKAGE and requirement.marker is None:
                return str(requirement.specifier)
        return ""

    @classmethod
    def read(cls, path: Path) -> "Wheel":
        """Read a wheel's METADATA; raise :class:`PackageError` if it is not a wheel."""
        try:
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
                if not names:
                    raise PackageError(f"{path.name} has no .dist-info/METADATA")
                metadata = HeaderParser().parsestr(archive.read(names[0]).decode("utf-8"))
                size = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise PackageError(f"{path.name} is not a readable wheel: {exc}") from exc
        return cls(path=path, name=canonicalize_name(metadata.get("Name", "")), version=metadata.get("Version", ""),
                   summary=metadata.get("Summary", "") or "", requires=tuple(metadata.get_all("Requires-Dist") or ()),
                   installed_size=size)


class WheelSource:
    """Where add-on wheels come from; :meth:`wheels` lists the add-on wheels offered."""

    def wheels(self) -> list[Wheel]:
        raise NotImplementedError

    def pip_options(self) -> list[str]:
        """The pip options that make this source the only place pip looks."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Forget what is known about the source, so the next listing reads it again."""

    @staticmethod
    def create(location: str, cache_dir: Path) -> "WheelSource":
        """A folder path or an ``http(s)://`` simple index URL."""
        if location.startswith(("http://", "https://")):
            return IndexSource(location, cache_dir)
        return FolderSource(Path(location))


def _addon_wheels(paths) -> list[Wheel]:
    found = []
    for path in paths:
        wheel = Wheel.read(path)
        if is_addon_package(wheel.name):
            found.append(wheel)
    return found


class FolderSource(WheelSource):
    """A folder of ``*.whl`` files (``splynx demo`` builds one from ``plugins/``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def wheels(self) -> list[Wheel]:
        if not self.folder.is_dir():
            return []
        return _addon_wheels(sorted(self.folder.glob("*.whl")))

    def pip_options(self) -> list[str]:
        return ["--no-index", "--find-links", str(self.folder)]


class _Links(HTMLParser):
    """The ``href`` of every anchor of a simple-index page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


_WHEEL_NAME = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$")


class IndexSource(WheelSource):
    """A PEP 503 simple index; wheels of ``splynx-*`` projects are cached locally."""

    def __init__(self, url: str, cache_dir: Path) -> None:
        self.url = url.rstrip("/") + "/"
        self.cache_dir = cache_dir
        self._listed: list[Wheel] | None = None

    def _get(self, url: str) -> str:
        try:
            with urllib.request.urlopen(url, timeout=INDEX_TIMEOUT) as response:  # noqa: S310 - configured URL
                return response.read().decode("utf-8")
        except OSError as exc:
            raise PackageError(f"the add-on index {url} cannot be read: {exc}") from exc

    def _links(self, url: str) -> list[str]:
        parser = _Links()
        parser.feed(self._get(url))
        return [urllib.parse.urljoin(url, href) for href in parser.links]

    def _fetch(self, url: str) -> Path:
        filename = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
        target = self.cache_dir / filename
        if not target.exists():
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            try:
                with urllib.request.urlopen(url.split("#")[0], timeout=INDEX_TIMEOUT) as response, \
                        open(partial, "wb") as out:  # noqa: S310 - configured URL
                    shutil.copyfileobj(response, out)
            except OSError as exc:
                raise PackageError(f"{filename} cannot be downloaded from the add-on index: {exc}") from exc
            partial.replace(target)
        return target

    def wheels(self) -> list[Wheel]:
        """The index's add-on wheels, read once until :meth:`refresh` (as apt's lists are)."""
        if self._listed is None:
            self._listed = self._read_index()
        return self._listed

    def _read_index(self) -> list[Wheel]:
        paths = []
        for project_url in self._links(self.url):
            project = urllib.parse.unquote(project_url.rstrip("/").rsplit("/", 1)[-1])
            if not is_addon_package(canonicalize_name(project)):
                continue
            for file_url in self._links(project_url.rstrip("/") + "/"):
                filename = urllib.parse.unquote(urllib.parse.urlsplit(file_url).path.rsplit("/", 1)[-1])
                if _WHEEL_NAME.match(filename):
                    paths.append(self._fetch(file_url))
        return _addon_wheels(paths)

    def refresh(self) -> None:
        self._listed = None

    def pip_options(self) -> list[str]:
        return ["--index-url", self.url]
