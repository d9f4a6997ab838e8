"""Inline SVG icons for the UI and for entry points' Font Awesome names (no web font needed)."""

from __future__ import annotations

from markupsafe import Markup

#: 24x24 stroke paths, drawn for this project
PATHS = {
    "home": "M3 11l9-7 9 7M5 10v10h14V10",
    "users": "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 12 0v1M16 3.5a4 4 0 0 1 0 7.5M18 15a5 5 0 0 1 4 5v1",
    "money": "M2 6h20v12H2zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM6 9v6M18 9v6",
    "card": "M2 5h20v14H2zM2 10h20M6 15h4",
    "bank": "M3 10h18L12 4zM5 10v8M9 10v8M15 10v8M19 10v8M3 20h18",
    "shield": "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z",
    "cog": "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1",
    "user": "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21v-1a8 8 0 0 1 16 0v1",
    "ticket": "M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4zM14 7v10",
    "plus": "M12 5v14M5 12h14",
    "list": "M8 6h13M8 12h13M8 18h13M3 6h1M3 12h1M3 18h1",
    "download": "M12 3v12M7 10l5 5 5-5M4 21h16",
    "trash": "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13",
    "pencil": "M4 20l4-1L19 8l-3-3L5 16zM14 7l3 3",
    "eye": "M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
    "check": "M4 12l5 5L20 6",
    "info": "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 11v6M12 7v.5",
    "refresh": "M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7",
    "undo": "M9 14L4 9l5-5M4 9h10a6 6 0 0 1 0 12h-3",
    "bolt": "M13 2L4 14h7l-1 8 9-12h-7z",
    "file": "M6 2h8l5 5v15H6zM14 2v5h5",
    "mail": "M3 5h18v14H3zM3 6l9 7 9-7",
    "puzzle": "M10 3h4v3a2 2 0 1 0 4 0V3h3v7h-3a2 2 0 1 0 0 4h3v7h-7v-3a2 2 0 1 0-4 0v3H3v-7h3a2 2 0 1 0 0-4H3V3z",
    "logout": "M15 4h4v16h-4M10 8l-4 4 4 4M6 12h11",
}

#: Font Awesome names entry points use, mapped to the drawn icons
FA_NAMES = {
    "fa-credit-card": "card", "fa-money": "money", "fa-money-bill": "money", "fa-university": "bank",
    "fa-bank": "bank", "fa-ticket": "ticket", "fa-gift": "ticket", "fa-plus": "plus", "fa-cog": "cog",
    "fa-list": "list", "fa-download": "download", "fa-trash": "trash", "fa-pencil": "pencil", "fa-eye": "eye",
    "fa-check": "check", "fa-info": "info", "fa-refresh": "refresh", "fa-undo": "undo", "fa-bolt": "bolt",
    "fa-file": "file", "fa-user": "user", "fa-home": "home", "fa-puzzle-piece": "puzzle",
}


def icon(name: str | None) -> Markup:
    """An inline SVG for a project icon name or a Font Awesome ``fa-*`` name (a puzzle piece if unknown)."""
    key = (name or "").strip()
    path = PATHS.get(FA_NAMES.get(key, key), PATHS["puzzle"])
    return Markup('<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="{}"/></svg>').format(path)
