"""Template helpers that place entry points: menu links, code widgets and action-link icons."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from core.identity import AddonIdentity
from core.entry_points import GROUP_SEPARATOR, EntryPoint, Place, Placement, PointType

from core.web import current_host
from ..services import entry_points as stored_points
from .auth import current_admin, current_customer


def admitted(points, place: Place, subject=None) -> list:
    """The points whose add-on agrees to show them to the current viewer.

    The add-on is told the customer: in the portal the one logged in; in the admin UI
    ``subject``, the customer the page is about (``None`` on pages about no one
    customer). In the portal, an add-on whose payment methods are all off in Config → Main →
    Portal for the customer's partner shows nothing.
    """
    host = current_host()
    customer = current_customer() if place is Place.PORTAL else subject
    context = {"customer": customer, "admin": current_admin() if place is Place.ADMIN else None}
    hidden = host.portal.hidden_addons(host.db.session, customer.partner_id) if customer else frozenset()
    admitted_points = []
    for point in points:
        addon_id = AddonIdentity.from_module_name(point.module).id
        if addon_id not in hidden and host.addons.hooks.entry_point_visible(addon_id, point, context):
            admitted_points.append(point)
    return admitted_points


def request_points(place: Place):
    """Every point this request may show in ``place``, worked out once per request (from the
    enabled points, which stay cached while the configuration does)."""
    cache = g.setdefault("entry_points", {})
    if place not in cache:
        host = current_host()
        session, loaded = host.db.session, frozenset(host.addons.loaded)
        points = host.config_cache.value(session, ("entry points", place, loaded),
                                         lambda: stored_points.enabled_points(session, place, loaded=loaded))
        customer = current_customer() if place is Place.PORTAL else None
        cache[place] = admitted(stored_points.for_customer(points, customer), place)
    return cache[place]


def _points(place: Place, point_type: PointType, *, root: str | None = None, model: str | None = None):
    return [p for p in request_points(place) if p.type is point_type
            and (root is None or p.root == root) and (model is None or (p.model and p.model.value == model))]


def admitted_about(points, customer) -> list:
    """Admin ``points`` shown on a page about ``customer``: those whose stored filters admit the
    customer and whose add-on agrees (asked once per request)."""
    if customer is None:
        return list(points)
    cache = g.setdefault("entry_points_for_customer", {})
    key = (customer.id, tuple(p.id for p in points))
    if key not in cache:
        cache[key] = admitted(stored_points.for_customer(points, customer), Place.ADMIN, customer)
    return cache[key]


def host_page(view):
    """Mark an add-on view that renders a whole page with the host's admin or portal layout.

    Menu links to such a page open it in place; other menu-link URLs open inside the
    host's add-on frame.
    """
    view.splynx_host_page = True
    return view


def opens_in_place(url: str) -> bool:
    """True when ``url`` is a local page whose view is marked with :func:`host_page`."""
    parts = urlsplit(url or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return False
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return False
    return getattr(current_app.view_functions.get(endpoint), "splynx_host_page", False)


def menu_links(place: str, root: str):
    return _points(Place(place), PointType.MENU_LINK, root=root)


@dataclass(frozen=True)
class MenuGroup:
    """Menu links whose titles share a ``Group · `` prefix: one collapsible submenu of the sidebar."""

    title: str
    points: tuple[tuple[str, EntryPoint], ...]  # (label without the prefix, point)

    @property
    def icon(self) -> str:
        return self.points[0][1].icon


def menu_tree(place: str, root: str) -> list[EntryPoint | MenuGroup]:
    """The menu links of a sidebar section in order; ``Refill cards · Series`` and its siblings
    become the submenu *Refill cards* with the entries *Series*, ... (a single one stays flat)."""
    points = menu_links(place, root)
    groups: dict[str, list[tuple[str, EntryPoint]]] = {}
    for point in points:
        head, sep, label = point.title.partition(GROUP_SEPARATOR)
        if sep and head.strip() and label.strip():
            groups.setdefault(head.strip(), []).append((label.strip(), point))
    tree, placed = [], set()
    for point in points:
        head = point.title.partition(GROUP_SEPARATOR)[0].strip()
        members = groups.get(head, [])
        if len(members) < 2:
            tree.append(point)
        elif head not in placed:
            placed.add(head)
            tree.append(MenuGroup(head, tuple(members)))
    return tree


def action_links(place: str, model: str, customer=None):
    """Action-link icons of document rows; in the admin UI, pass the customer the documents belong to."""
    points = _points(Place(place), PointType.ACTION_LINK, model=model)
    return admitted_about(points, customer) if Place(place) is Place.ADMIN else points


def tab_points(place: str, root: str):
    return _points(Place(place), PointType.TAB, root=root)


def code_widgets(place: str, root: str, placement: str) -> list[Markup]:
    """Rendered widgets of a page slot; a failing add-on yields an error box, not an error page."""
    slot = Placement(placement)
    points = [p for p in _points(Place(place), PointType.CODE, root=root) if p.placement is slot]
    if not points:
        return []
    hooks = current_host().addons.hooks
    context = {"customer": current_customer() if place == "portal" else None,
               "admin": current_admin() if place == "admin" else None, "request": request}
    return [hooks.render_entry_point(AddonIdentity.from_module_name(p.module).id, p, context) for p in points]


def register(app: Flask) -> None:
    app.jinja_env.globals.update(menu_links=menu_links, menu_tree=menu_tree, action_links=action_links, tab_points=tab_points,
                                 code_widgets=code_widgets, opens_in_place=opens_in_place)
