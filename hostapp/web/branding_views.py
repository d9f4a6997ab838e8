"""The ISP's logo and the favicon, public; the ISP's name and logo for every template (``isp``)."""

from __future__ import annotations

import re

from flask import Blueprint, Flask, abort, current_app, g, send_from_directory, url_for

from core.web import current_host
from ..services.branding import MIME_TYPES, Branding, BrandingStore

bp = Blueprint("branding", __name__)

#: the names :meth:`BrandingStore.save_logo` gives
LOGO_NAME = re.compile(r"^logo-[0-9a-f]{20}\.(png|jpg|gif|webp)$")


def store() -> BrandingStore:
    return BrandingStore(current_host().config.instance_path / "branding")


def branding() -> Branding:
    """The ISP's name and logo, read once per request."""
    if "branding" not in g:
        g.branding = store().load(current_host().db.session)
    return g.branding


@bp.get("/branding/<name>")
def logo(name: str):
    """A stored logo (its name changes with its content, so browsers may keep it for long)."""
    match = LOGO_NAME.match(name)
    if match is None:
        abort(404)
    return send_from_directory(store().folder, name, mimetype=MIME_TYPES[match.group(1)], max_age=30 * 86400)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico before they read a page's icon link."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


def register(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _isp():
        def logo_url() -> str:
            brand = branding()
            return url_for("branding.logo", name=brand.logo) if brand.logo else ""
        return {"isp": branding, "isp_logo_url": logo_url}
