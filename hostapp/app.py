"""The Flask application factory."""

from __future__ import annotations

import logging
from datetime import timedelta

from .collector import imports_kept

# what these imports build lives as long as the process: collections skip it from here on
with imports_kept():
    from flask import Flask, abort, redirect, request, url_for
    from werkzeug.middleware.proxy_fix import ProxyFix
    from sqlalchemy import select

    from core.identity import AddonIdentity
    from core.web.inputs import RecordIdConverter
    from core.web.viewers import HOST_KEY, VIEWERS_KEY

    from .host import Host
    from .models import Module
    from .web import (access_log, branding_views, cookie_sessions, csrf_check, csrf_tokens, entry_point_views, errors, filters,
                      headers, icon_set, input_guard, page_urls, sidebar, throttling)
    from .web.auth import SessionViewers, current_admin, current_customer
    from .web.roles import role_of
    from .web.templating import PageEnvironment
    from .web.host_flask import HostFlask

log = logging.getLogger(__name__)


def create_app(host: Host | None = None, *, testing: bool = False) -> Flask:
    """Build the app for one host; add-on blueprints are mounted at their URL prefixes."""
    host = host or Host.build()
    app = HostFlask(__name__, instance_path=str(host.config.instance_path))
    app.jinja_environment = PageEnvironment
    app.url_map.converters["int"] = RecordIdConverter
    if host.config.proxy_count:
        count = host.config.proxy_count
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    app.config.update(
        SECRET_KEY=host.session_secret(),
        TESTING=testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=host.config.https,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=host.config.session_hours),
        # the cookie is sent again when a login changes or its last use moves on (sessions.SEEN_STEP)
        SESSION_REFRESH_EACH_REQUEST=False,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        # The host's CSRF policy, in one place (hostapp.web.csrf_check applies it, Flask-WTF reads it):
        # every POST, PUT, PATCH and DELETE carries the session's signed token, in the form field
        # or one of the headers
        WTF_CSRF_ENABLED=True,
        WTF_CSRF_CHECK_DEFAULT=True,
        WTF_CSRF_METHODS={"POST", "PUT", "PATCH", "DELETE"},
        WTF_CSRF_FIELD_NAME="csrf_token",
        WTF_CSRF_HEADERS=["X-CSRFToken", "X-CSRF-Token"],
        # a token is valid for the session's life (csrf_tokens reuses the signed form)
        WTF_CSRF_TIME_LIMIT=None,
        # the pay pages send no Referer (signed links stay private); the CSRF token is the check
        WTF_CSRF_SSL_STRICT=False,
    )
    app.extensions[HOST_KEY] = host
    app.extensions[VIEWERS_KEY] = SessionViewers()
    input_guard.register(app)
    csrf_check.register(app)
    csrf_tokens.register(app)
    cookie_sessions.register(app)
    filters.register(app)
    page_urls.register(app)
    entry_point_views.register(app)
    sidebar.register(app)
    throttling.register(app, host.config.ratelimit_storage_url)
    headers.register(app, https=host.config.https)
    icon_set.register(app, host.config.font_awesome_dir)
    branding_views.register(app)
    errors.register(app)
    access_log.register()

    from .web.admin import bp as admin_bp
    from .web.portal import bp as portal_bp

    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(portal_bp, url_prefix="/portal")
    addon_blueprints = _mount_addons(app, host)

    @app.before_request
    def _addon_enabled():
        """Requests to an add-on's prefix reach it only while its module is enabled."""
        addon_id = addon_blueprints.get(request.blueprint or "")
        if addon_id is None:
            return None
        status = host.db.session.execute(
            select(Module.status).where(Module.addon_id == addon_id)).scalar_one_or_none()
        if status != "enabled":
            abort(404)
        return None

    @app.context_processor
    def _logged_in_users():
        """Who is logged in, for every template (host pages and add-on pages alike)."""
        return {"current_admin": current_admin(), "current_customer": current_customer(),
                "current_admin_can": _admin_can}

    @app.teardown_appcontext
    def _close_session(_exc):
        host.db.session.remove()

    @app.get("/")
    def index():
        return redirect(url_for("portal.dashboard"))

    return app


def _mount_addons(app: Flask, host: Host) -> dict[str, str]:
    """Register each loaded add-on's blueprint under its prefix; return blueprint name -> id."""
    mounted = {}
    for addon_id in sorted(host.addons.loaded):
        blueprint = host.addons.hooks.blueprint(addon_id)
        if blueprint is None:
            continue
        try:
            app.register_blueprint(blueprint, url_prefix=AddonIdentity(addon_id).url_prefix)
        except Exception as exc:  # noqa: BLE001 - a bad blueprint must not take the host down
            host.addons.record_ui_error(addon_id, "splynx_register_routes", exc)
            continue
        mounted[blueprint.name] = addon_id
    return mounted


def _admin_can(permission: str) -> bool:
    """Whether the logged-in administrator's role grants ``permission`` (templates hide what it does not)."""
    admin = current_admin()
    return admin is not None and role_of(admin).allows(permission)
