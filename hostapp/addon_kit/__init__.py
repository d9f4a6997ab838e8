"""The add-on kit: ``splynx addons new ID`` writes a complete add-on distribution.

The distribution is rendered from Jinja templates shipped in this package (``skeleton/``),
the engine the host already depends on (Flask's), so the kit adds no dependency to the host
or its Debian package; cookiecutter and copier would each add one (and a prompt-driven
workflow) for what is here a fixed tree. The templates use ``[[ ]]`` / ``[% %]`` delimiters,
so the add-on's own Jinja page templates pass through verbatim, and path segments name
``[[package]]`` and ``[[id]]``.

Every name comes from the id (:class:`core.identity.AddonIdentity`), the API range from
:data:`core.version.API_VERSION`: what the host's sync and the packaging check are what the
generated add-on declares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2

from core.identity import AddonIdentity
from core.version import API_VERSION, HOST_VERSION

KINDS = ("feature", "gateway")
TEMPLATES = Path(__file__).parent / "skeleton"
#: template trees per kind: every add-on gets ``common``, a gateway also ``gateway``
TREES = {"feature": ("common", "feature"), "gateway": ("common", "gateway")}


class KitError(ValueError):
    """The add-on cannot be written (bad id, folder not empty)."""


@dataclass(frozen=True)
class AddonNames:
    """What the templates are rendered with: the identity's names plus titles and ranges."""

    identity: AddonIdentity
    kind: str
    title: str

    @property
    def context(self) -> dict:
        i = self.identity
        major = int(API_VERSION.split(".")[0])
        return {
            "id": i.id, "package": i.import_package, "dist": i.dist_name, "prefix": i.url_prefix,
            "module": i.module_name, "table_prefix": i.table_prefix, "kind": self.kind,
            "gateway": self.kind == "gateway", "title": self.title,
            "class_prefix": "".join(part.title() for part in i.id.split("_")),
            "requires_api": f">={API_VERSION},<{major + 1}", "host_version": HOST_VERSION,
            "api_range_text": f"{API_VERSION} or a later {major}.x",
            "today": date.today().isoformat(),
        }


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), block_start_string="[%", block_end_string="%]",
        variable_start_string="[[", variable_end_string="]]", comment_start_string="[#", comment_end_string="#]",
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined, autoescape=False)


def new_addon(addon_id: str, target: Path, *, kind: str = "feature", title: str = "") -> list[Path]:
    """Write the add-on ``addon_id`` into ``target`` (created; must be absent or empty); returns the files."""
    if kind not in KINDS:
        raise KitError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    try:
        identity = AddonIdentity(addon_id)
    except ValueError as exc:
        raise KitError(str(exc)) from None
    if target.exists() and any(target.iterdir()):
        raise KitError(f"{target} exists and is not empty; choose another folder or remove it")
    names = AddonNames(identity, kind, title or identity.id.replace("_", " ").title())
    context, env, written = names.context, _environment(), []
    for tree in TREES[kind]:
        root = TEMPLATES / tree
        for source in sorted(p for p in root.rglob("*.jinja") if p.is_file()):
            relative = source.relative_to(root).as_posix()
            path = target / env.from_string(relative.removesuffix(".jinja")).render(context)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(env.get_template(f"{tree}/{relative}").render(context))
            written.append(path)
    return written
