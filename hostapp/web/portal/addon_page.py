"""``/portal/add-on?module=&point=``: an add-on's menu link page in a frame."""

from flask import render_template

from core.entry_points import Place

from ..admin.addon_page import find_point
from . import bp


@bp.get("/add-on")
def addon_page():
    point = find_point(Place.PORTAL)
    return render_template("portal/addon_page.html", point=point)
