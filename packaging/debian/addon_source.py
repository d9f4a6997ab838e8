"""An add-on's Debian facts, read from its setup.cfg, and its rendered debian/ folder.

Every add-on under ``plugins/`` is a setuptools distribution whose setup.cfg names it
(``splynx-<id>``), versions it and declares its ``splynx.addons`` entry point. This module
turns that into the package name, the Debian version, the range of the add-on API it needs
(``requires_api`` in its manifest, as a dependency on ``splynx-addon-api``, which splynx-host
provides), the range of splynx-host versions it runs on (a ``splynx-host`` requirement in
setup.cfg; without an upper bound, the next major version of the lower one) and renders
``packaging/debian/addon/debian`` for it. Runs on the build machine's /usr/bin/python3
(stdlib only).
"""

from __future__ import annotations

import ast
import configparser
import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "addon" / "debian"
ENTRY_POINT_GROUP = "splynx.addons"
HOST_DIST = "splynx-host"
SYNOPSIS_MAX = 79

_PEP440 = re.compile(
    r"(?P<release>\d+(?:\.\d+)*)"
    r"(?:(?P<pre>a|b|rc)(?P<pre_n>\d+))?"
    r"(?:\.post(?P<post>\d+))?"
    r"(?:\.dev(?P<dev>\d+))?"
    r"(?:\+(?P<local>[a-z0-9]+(?:\.[a-z0-9]+)*))?"
)
_LOWER_BOUND = re.compile(r"^\s*(>=|~=|==|===|>)\s*([0-9][0-9A-Za-z.+!-]*)\s*$")
_UPPER_BOUND = re.compile(r"^\s*<\s*([0-9][0-9A-Za-z.+!-]*)\s*$")


class AddonSourceError(ValueError):
    """The plugin's setup.cfg cannot be turned into a Debian package; the message says why."""


def debian_version(version: str) -> str:
    """A PEP 440 version as a Debian version that sorts the same way (``1.0rc1`` -> ``1.0~rc1``)."""
    match = _PEP440.fullmatch(version.strip().lower())
    if not match:
        raise AddonSourceError(f"version {version!r} is not a PEP 440 version this packaging understands")
    parts = [match["release"]]
    if match["pre"]:
        parts.append(f"~{match['pre']}{match['pre_n']}")
    if match["post"]:
        parts.append(f"+post{match['post']}")
    if match["dev"]:
        parts.append(f"~~dev{match['dev']}")
    if match["local"]:
        parts.append(f"+{match['local']}")
    return "".join(parts)


def _release(version: str) -> tuple[int, ...]:
    match = _PEP440.match(version)
    return tuple(int(p) for p in match["release"].split(".")) if match else ()


def lower_bound(specifier: str) -> str | None:
    """The highest lower bound in a PEP 440 specifier (``">=1.2,<2"`` -> ``"1.2"``)."""
    bounds = [m[2] for clause in specifier.split(",") if (m := _LOWER_BOUND.match(clause))]
    return max(bounds, key=_release) if bounds else None


def upper_bound(specifier: str) -> str | None:
    """The lowest exclusive upper bound in a PEP 440 specifier (``">=1.2,<2"`` -> ``"2"``)."""
    bounds = [m[1] for clause in specifier.split(",") if (m := _UPPER_BOUND.match(clause))]
    return min(bounds, key=_release) if bounds else None


def next_major(version: str) -> str:
    """The first version of the next major release (``"1.2"`` -> ``"2"``)."""
    return str(_release(version)[0] + 1)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip() and not line.strip().startswith("#")]


@dataclass(frozen=True)
class AddonSource:
    """One add-on distribution as the Debian packaging sees it."""

    path: Path
    id: str
    deb_name: str
    import_package: str
    version: str
    host_min: str
    host_max: str
    api_min: str
    api_max: str
    summary: str
    intro: str = ""

    @property
    def deb_version(self) -> str:
        return debian_version(self.version)

    @property
    def synopsis(self) -> str:
        """The summary, shortened to Debian's one-line limit at a colon or a word break."""
        if len(self.summary) <= SYNOPSIS_MAX:
            return self.summary
        head = self.summary.split(": ", 1)[0]
        return head if len(head) <= SYNOPSIS_MAX else self.summary[:SYNOPSIS_MAX].rsplit(" ", 1)[0]

    @property
    def long_description(self) -> str:
        """The extended description for debian/control: the README's introduction, then the lifecycle."""
        what = self.intro or (f"{self.summary}." if self.synopsis != self.summary else "")
        lifecycle = (f'The package installs the "{self.id}" add-on into splynx-host, the ISP billing '
                     "system, and registers it and creates its tables; removing it keeps its data "
                     "and settings; purging it deletes them.")
        return "\n .\n".join(textwrap.fill(text, width=79, initial_indent=" ", subsequent_indent=" ")
                              for text in (what, lifecycle) if text)

    def render_debian(self, dest: Path, project: dict[str, str]) -> None:
        """Write ``dest`` (a ``debian/`` folder) from the add-on template and the ``project`` values."""
        values = {**project, "@DEB@": self.deb_name, "@ID@": self.id, "@HOST_MIN@": debian_version(self.host_min),
                  "@HOST_MAX@": debian_version(self.host_max), "@API_MIN@": debian_version(self.api_min),
                  "@API_MAX@": debian_version(self.api_max),
                  "@SYNOPSIS@": self.synopsis, "@LONG_DESCRIPTION@": self.long_description}
        for source in TEMPLATE.rglob("*"):
            if source.is_dir():
                continue
            target = dest / source.relative_to(TEMPLATE)
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.suffix == ".in":
                text = source.read_text()
                for key, value in values.items():
                    text = text.replace(key, value)
                target = target.with_suffix("")
                target.write_text(text)
            else:
                shutil.copy2(source, target)
            shutil.copymode(source, target)


def readme_intro(path: Path) -> str:
    """The first paragraph after the title of the add-on's README.md, as plain text."""
    readme = path / "README.md"
    if not readme.exists():
        return ""
    paragraphs = [p for p in readme.read_text().split("\n\n") if p.strip()]
    intro = next((p for p in paragraphs if not p.lstrip().startswith(("#", "|", "    ", "```"))), "")
    intro = re.sub(r"\[([^]]+)\]\([^)]+\)", r"\1", intro)  # [text](url) -> text
    return " ".join(re.sub(r"[*`]", "", intro).split())


def read_setup_cfg(path: Path) -> configparser.ConfigParser:
    cfg = configparser.ConfigParser(interpolation=None)
    if not cfg.read(path / "setup.cfg"):
        raise AddonSourceError(f"{path}: no setup.cfg")
    return cfg


def _version(path: Path, cfg: configparser.ConfigParser) -> str:
    """``version`` from setup.cfg: a literal, ``attr: pkg.module.NAME`` or ``file: PATH``."""
    raw = cfg.get("metadata", "version", fallback="").strip()
    if raw.startswith("file:"):
        return (path / raw[5:].strip()).read_text().strip()
    if not raw.startswith("attr:"):
        if not raw:
            raise AddonSourceError(f"{path}/setup.cfg has no [metadata] version")
        return raw
    dotted = raw[5:].strip()
    module, _, name = dotted.rpartition(".")
    base = path / module.replace(".", "/")
    source = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AddonSourceError(f"{path}/setup.cfg: cannot find {dotted} as a literal")


def _entry_point(path: Path, cfg: configparser.ConfigParser) -> tuple[str, str]:
    """The one ``splynx.addons`` entry point: (add-on id, target module)."""
    found = []
    for line in _lines(cfg.get("options.entry_points", ENTRY_POINT_GROUP, fallback="")):
        name, sep, target = line.partition("=")
        if sep:
            found.append((name.strip(), target.strip().split(":")[0]))
    if len(found) != 1:
        raise AddonSourceError(f"{path}/setup.cfg must declare exactly one {ENTRY_POINT_GROUP} entry point")
    return found[0]


def _manifest_requires_api(package_dir: Path) -> str | None:
    """``requires_api`` of the ``AddonManifest(...)`` call in the add-on's sources, if literal."""
    for source in sorted(package_dir.rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "AddonManifest":
                for keyword in node.keywords:
                    if keyword.arg == "requires_api" and isinstance(keyword.value, ast.Constant):
                        return keyword.value.value
    return None


def _host_requirement(cfg: configparser.ConfigParser) -> str | None:
    for requirement in _lines(cfg.get("options", "install_requires", fallback="")):
        match = re.match(r"^([A-Za-z0-9_.-]+)\s*(.*)$", requirement.split(";")[0])
        if match and _normalise(match[1]) == HOST_DIST:
            return match[2].strip("() ")
    return None


def _range(specifier: str, default_lower: str) -> tuple[str, str]:
    """(lower, upper) of a PEP 440 specifier; the upper bound defaults to the lower one's next major."""
    lower = lower_bound(specifier) or default_lower
    return lower, upper_bound(specifier) or next_major(lower)


def read_addon(path: Path, host_version: str, api_version: str) -> AddonSource:
    """The add-on in ``path``; its bounds default to ``host_version`` and ``api_version``."""
    path = Path(path).resolve()
    cfg = read_setup_cfg(path)
    dist = _normalise(cfg.get("metadata", "name", fallback=""))
    addon_id, module = _entry_point(path, cfg)
    expected = "splynx-" + addon_id.replace("_", "-")
    if dist != expected:
        raise AddonSourceError(f"{path}: distribution {dist!r} does not match add-on id {addon_id!r} ({expected})")
    import_package = module.split(".")[0]
    host_min, host_max = _range(_host_requirement(cfg) or "", host_version)
    api_min, api_max = _range(_manifest_requires_api(path / import_package) or "", api_version)
    summary = cfg.get("metadata", "description", fallback="").strip() or f"splynx-host add-on {addon_id}"
    return AddonSource(
        path=path,
        id=addon_id,
        deb_name=dist,
        import_package=import_package,
        version=_version(path, cfg),
        host_min=host_min,
        host_max=host_max,
        api_min=api_min,
        api_max=api_max,
        summary=summary.rstrip("."),
        intro=readme_intro(path),
    )
