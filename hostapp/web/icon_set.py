"""Font Awesome 4.7, the icon set of every page, served by the app itself (no CDN).

Debian ships it as ``fonts-font-awesome`` (``/usr/share/fonts-font-awesome``, a dependency of
the host's package); a pip installation gets the same release from the ``XStatic-Font-Awesome``
distribution (the host's ``icons`` extra). ``SPLYNX_FONT_AWESOME_DIR`` names another copy.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory

log = logging.getLogger(__name__)

#: where Debian's fonts-font-awesome puts the web font and its stylesheet
DEBIAN_DIR = Path("/usr/share/fonts-font-awesome")
#: the stylesheet inside the set's folder; its font URLs are relative (../fonts/)
STYLESHEET = "css/font-awesome.min.css"
#: the only files a browser needs from the set
SERVED = re.compile(r"^(css/font-awesome(\.min)?\.css|fonts/fontawesome-webfont\.(woff2|woff|ttf|eot|svg))$")

bp = Blueprint("icon_set", __name__)


def _xstatic_dir() -> Path | None:
    try:
        from xstatic.pkg import font_awesome  # the pip distribution XStatic-Font-Awesome
    except ImportError:
        return None
    return Path(font_awesome.BASE_DIR)


def find_font_awesome(configured: str = "") -> Path | None:
    """The folder holding ``css/font-awesome.min.css``: the configured one, else pip's, else Debian's."""
    candidates = [Path(configured)] if configured else [_xstatic_dir(), DEBIAN_DIR]
    for folder in candidates:
        if folder is not None and (folder / STYLESHEET).is_file():
            return folder
    return None


@lru_cache(maxsize=4)
def icon_names(folder: Path) -> frozenset[str]:
    """Every icon name the set's stylesheet defines (``credit-card``, ``ticket``, ...)."""
    css = (folder / "css" / "font-awesome.css").read_text(encoding="utf-8")
    return frozenset(re.findall(r"\.fa-([a-z0-9-]+):before", css))


@bp.get("/vendor/font-awesome/<path:filename>")
def asset(filename: str):
    """A file of the icon set, cached by browsers for a day."""
    folder = current_app.extensions.get("font_awesome_dir")
    if folder is None or not SERVED.match(filename):
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)


def register(app: Flask, configured: str) -> None:
    """Serve the icon set under ``/vendor/font-awesome/``; say loudly when it is missing."""
    folder = find_font_awesome(configured)
    if folder is None:
        log.error("Font Awesome 4.7 not found (%s): pages show no icons. Install the Debian package "
                  "fonts-font-awesome or `pip install XStatic-Font-Awesome==4.7.0.0`, or set "
                  "SPLYNX_FONT_AWESOME_DIR", configured or f"looked in XStatic-Font-Awesome and {DEBIAN_DIR}")
    app.extensions["font_awesome_dir"] = folder
    app.register_blueprint(bp)
