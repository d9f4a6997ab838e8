"""The one rule for this host's public address in links it hands out (e-mails, direct payment links)."""

from __future__ import annotations

from flask import request

from .viewers import current_host


def public_url() -> str:
    """``SPLYNX_PUBLIC_URL`` when set, else the address this request came in on; no trailing slash.

    Behind a proxy the request's address is the one the client used (``SPLYNX_PROXY_COUNT``),
    so an unset public URL still yields links that work for whoever opened the page.
    """
    configured = current_host().config.public_url
    return (configured or request.url_root).rstrip("/")
