"""An add-on's admin menu link: its page in a frame with Reload and Open in new window."""

from flask import abort, render_template, request

from core.entry_points import Place, PointType

from ...host import current_host
from ...services.entry_points import visible_points
from ..entry_point_views import admitted
from . import bp


def find_point(place: Place, customer=None):
    """The enabled menu-link point named by ``?module=&point=`` or 404."""
    host = current_host()
    try:
        point_id = int(request.args.get("point", ""))
    except ValueError:
        abort(404)
    for point in admitted(visible_points(host.db.session, place, PointType.MENU_LINK, customer=customer,
                                         loaded=frozenset(host.addons.loaded)), place):
        if point.id == point_id and point.module == request.args.get("module"):
            return point
    abort(404)


@bp.get("/add-on")
def addon_page():
    point = find_point(Place.ADMIN)
    return render_template("admin/addon_page.html", point=point)
