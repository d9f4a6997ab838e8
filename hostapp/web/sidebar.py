"""The portal's main menu, rendered once for each distinct menu and current page, then reused.

The sidebar (``portal/sidebar.html``) is a function of a few inputs only: the portal menu-link
entry points this request shows (admitted for the customer, each carrying its title, icon,
URL and id), what marks a link as the current page (the endpoint, the path and the
``point`` argument of add-on pages) and the script root the links start with. Rendering its
nested macros was most of a portal page's template time, so :func:`portal_sidebar` keeps
the markup per app in a small LRU keyed on exactly those inputs; the key holds the points
themselves, so a configuration change or another customer's menu gives another key.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from markupsafe import Markup

from core.entry_points import Place, PointType
from .entry_point_views import request_points
from .lru import LruCache

#: the app extension holding the rendered sidebars
CACHE_KEY = "splynx.sidebars"


def portal_sidebar() -> Markup:
    """The portal sidebar for this request (see the module docstring for what it depends on)."""
    links = tuple(p for p in request_points(Place.PORTAL) if p.type is PointType.MENU_LINK)
    key = (request.script_root, request.endpoint, request.path, request.args.get("point"), links)
    return current_app.extensions[CACHE_KEY].get(key, lambda: Markup(render_template("portal/sidebar.html")))


def register(app: Flask) -> None:
    """Give ``app`` its sidebar cache and the ``portal_sidebar()`` template global."""
    app.extensions[CACHE_KEY] = LruCache[Markup](512)
    app.jinja_env.globals["portal_sidebar"] = portal_sidebar
