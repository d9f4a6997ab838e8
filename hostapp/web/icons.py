"""Icons of the UI and of entry points: Font Awesome 4.7 glyphs (see :mod:`.icon_set`).

Templates call ``icon("ticket")`` with a Font Awesome name (``ticket``, ``fa-ticket`` or the
``fa fa-ticket`` / ``fas fa-ticket`` class an entry point may carry). Names that Font Awesome 5
and 6 renamed are translated to their 4.7 glyph; a name the set does not know shows a puzzle
piece, the mark of an add-on.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from markupsafe import Markup

from .icon_set import icon_names

#: the add-on mark shown for a name the icon set does not know
FALLBACK = "puzzle-piece"

#: Font Awesome 5/6 names (and the project's older names) -> the Font Awesome 4.7 glyph
RENAMED = {
    "money-bill": "money", "money-bill-alt": "money", "money-bill-wave": "money", "money-check": "money",
    "info": "info-circle", "file": "file-text-o", "file-alt": "file-text-o", "file-invoice": "file-text-o",
    "file-invoice-dollar": "file-text-o", "edit": "pencil", "pen": "pencil", "trash-alt": "trash",
    "sync": "refresh", "sync-alt": "refresh", "redo": "repeat", "rotate-right": "repeat", "logout": "sign-out",
    "sign-out-alt": "sign-out", "right-from-bracket": "sign-out", "bank": "university", "building-columns": "university",
    "card": "credit-card", "puzzle": "puzzle-piece", "cogs": "cogs", "gear": "cog", "gears": "cogs",
    "xmark": "times", "close": "times", "circle-info": "info-circle", "house": "home", "ban": "ban",
    "ticket-alt": "ticket", "ticket-simple": "ticket", "list-ul": "list-ul", "download": "download",
    "upload": "upload", "mail": "envelope", "bolt": "bolt", "bolt-lightning": "bolt", "wallet": "credit-card",
}

def fa_name(name: str | None, folder: Path | None) -> str:
    """The Font Awesome 4.7 name for ``name`` in the icon set in ``folder`` (``fa-money-bill`` -> ``money``;
    unknown -> puzzle piece; with no icon set, every name is taken as it is)."""
    classes = (name or "").strip().lower().split()  # "fa fa-ticket", "fas fa-ticket", "fa-ticket", "ticket"
    key = classes[-1].removeprefix("fa-") if classes else ""
    key = RENAMED.get(key, key)
    if folder is not None and key not in icon_names(folder):
        return FALLBACK
    return key or FALLBACK


def icon(name: str | None, label: str | None = None, *, spin: bool = False) -> Markup:
    """A Font Awesome glyph; decorative unless ``label`` is given (then read out by screen readers)."""
    folder = current_app.extensions.get("font_awesome_dir") if has_app_context() else None
    return _glyph(folder, name, label, spin)


@lru_cache(maxsize=1024, typed=True)  # typed: a Markup label is kept as it is, an equal str one is escaped
def _glyph(folder: Path | None, name: str | None, label: str | None, spin: bool) -> Markup:
    """The markup :func:`icon` gives, made once per distinct call (a page shows the same few icons)."""
    classes = f"fa fa-{fa_name(name, folder)} fa-fw" + (" fa-spin" if spin else "")
    if label:
        return Markup('<i class="{}" aria-hidden="true"></i><span class="sr-only">{}</span>').format(classes, label)
    return Markup('<i class="{}" aria-hidden="true"></i>').format(classes)
