"""The one rule for this host's public address in links it hands out (e-mails, direct payment links)."""

from __future__ import annotations

from flask import has_request_context, request

from .viewers import current_host

#: the address links use when neither the setting nor a request tells (e-mails a worker sends)
FALLBACK_URL = "http://127.0.0.1:8080"


def public_url(host=None) -> str:
    """``SPLYNX_PUBLIC_URL`` when set, else the address this request came in on; no trailing slash.

    Behind a proxy the request's address is the one the client used (``SPLYNX_PROXY_COUNT``),
    so an unset public URL still yields links that work for whoever opened the page. Outside a
    request (e-mails sent by a worker or the CLI) pass ``host``; without the setting such links
    point at :data:`FALLBACK_URL`, so production sets ``SPLYNX_PUBLIC_URL``.
    """
    configured = (host or current_host()).config.public_url
    if configured:
        return configured.rstrip("/")
    return (request.url_root if has_request_context() else FALLBACK_URL).rstrip("/")
