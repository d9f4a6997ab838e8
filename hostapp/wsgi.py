"""The WSGI entry point: ``gunicorn 'hostapp.wsgi:app'``; ``splynx serve`` uses it too.

:class:`LiveApp` serves the host's Flask app and builds a new one when the add-on set
changes. Before each request it reads the add-on-set generation from the database (one
primary-key lookup). When that differs from the generation its app was built for, it
reloads this process's add-on manager (new add-ons imported, removed ones unregistered,
upgraded ones re-imported) and builds a fresh Flask app with their blueprints, templates
and entry points; requests already running finish on the old app. Every worker process
does this on its own, so an install made by any worker, by ``splynx addons install`` or by
a Debian postinst (``splynx addons sync``) reaches all of them without a restart.
Enabling or disabling a module needs no rebuild: that is checked on every request.

Migrate once before starting workers (``splynx db upgrade``; the Debian postinst does).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask

from .app import create_app
from .host import Host
from .services.addon_set import current_generation, reload_addons

log = logging.getLogger(__name__)


class LiveApp:
    """A WSGI app that rebuilds the host's Flask app whenever the add-on set changes."""

    def __init__(self, host: Host, factory: Callable[[Host], Flask] = create_app) -> None:
        self.host = host
        self.factory = factory
        self._lock = threading.Lock()
        self.generation = current_generation(host.db)
        self.app = factory(host)
        #: how many times the app was rebuilt (shown in logs, used by tests)
        self.rebuilds = 0

    def current(self) -> Flask:
        """The app for the add-on set the database describes now."""
        generation = current_generation(self.host.db)
        if generation == self.generation:
            return self.app
        with self._lock:
            if generation != self.generation:
                self._rebuild(generation)
        return self.app

    def _rebuild(self, generation: int) -> None:
        try:
            changes = reload_addons(self.host.addons)
            self.app = self.factory(self.host)
        except Exception:  # noqa: BLE001 - keep serving the previous app; the error is logged
            log.exception("rebuilding the app for add-on set generation %s failed", generation)
        else:
            self.rebuilds += 1
            log.info("add-on set generation %s -> %s: %s", self.generation, generation, changes)
        self.generation = generation

    def __call__(self, environ, start_response):
        return self.current()(environ, start_response)


def __getattr__(name: str):
    """``hostapp.wsgi.app`` is built on first access, from the ``SPLYNX_*`` environment."""
    if name == "app":
        globals()["app"] = LiveApp(Host.build())
        return globals()["app"]
    raise AttributeError(name)
