"""An add-on's admin menu link: its page in a panel of the admin layout, with Reload and Open in new window."""

from flask import abort, render_template, request

from core.web import requires

from core.entry_points import Place, PointType

from ..entry_point_views import request_points
from . import bp


def find_point(place: Place):
    """The enabled menu-link point named by ``?module=&point=`` or 404."""
    try:
        point_id = int(request.args.get("point", ""))
    except ValueError:
        abort(404)
    for point in request_points(place):
        if point.type is PointType.MENU_LINK and point.id == point_id and point.module == request.args.get("module"):
            return point
    abort(404)


@bp.get("/add-on")
@requires("account")
def addon_page():
    point = find_point(Place.ADMIN)
    return render_template("admin/addon_page.html", point=point)
