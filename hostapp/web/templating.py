"""The Jinja environment of the host's pages: Flask's, with :class:`core.templating.DirectGlobals`."""

from __future__ import annotations

from flask.templating import Environment

from core.templating import DirectGlobals


class PageEnvironment(DirectGlobals, Environment):
    """Flask's template environment; its templates read its globals directly (see :mod:`core.templating`)."""
