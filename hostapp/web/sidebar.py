"""The admin's and the portal's main menus, each rendered once per distinct menu and current page, then reused.

A sidebar (``admin/sidebar.html``, ``portal/sidebar.html``) is a function of a few inputs only:
the menu-link entry points this request shows in its place (admitted for the administrator or
the customer, each carrying its title, icon, URL and id), what marks a link as the current page
(the endpoint, the path and the ``point`` argument of add-on pages) and the script root the
links start with. Rendering its nested macros and some forty URLs was a large part of every
page's template time, so :func:`sidebar` keeps the markup per app in a small LRU keyed on
exactly those inputs; the key holds the points themselves, so a configuration change or
another user's menu gives another key.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from markupsafe import Markup

from core.entry_points import Place, PointType
from .entry_point_views import request_points
from .lru import LruCache

#: the app extension holding the rendered sidebars
CACHE_KEY = "splynx.sidebars"


def sidebar(place: str) -> Markup:
    """The main menu of ``place`` (``"admin"`` or ``"portal"``) for this request (see the module docstring)."""
    where = Place(place)
    links = tuple(p for p in request_points(where) if p.type is PointType.MENU_LINK)
    key = (where, request.script_root, request.endpoint, request.path, request.args.get("point"), links)
    return current_app.extensions[CACHE_KEY].get(key, lambda: Markup(render_template(f"{where.value}/sidebar.html")))


def register(app: Flask) -> None:
    """Give ``app`` its sidebar cache and the ``sidebar(place)`` template global."""
    app.extensions[CACHE_KEY] = LruCache[Markup](512)
    app.jinja_env.globals["sidebar"] = sidebar
