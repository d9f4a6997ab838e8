"""Security headers on every answer: a strict CSP, no framing by other sites, no leaking pay links.

* ``Content-Security-Policy``: scripts, styles, fonts and fetches from this app only, no inline
  script or style; a frame may show only an add-on's page on another http(s) site (never
  ``javascript:``). ``frame-ancestors 'none'``: no page of this app is ever framed, not even by
  itself (modals and add-on panels load this app's pages into the page instead).
* ``Referrer-Policy: no-referrer`` on the public pay pages, whose signed query strings must not
  travel in ``Referer`` headers; ``same-origin`` elsewhere.
* ``Strict-Transport-Security`` when the app is served over https.
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src http: https:",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
))

#: endpoint name parts of the public pay pages (direct payment links)
PAY_PAGE_MARK = ".direct_pay_"


def register(app: Flask, *, https: bool) -> None:
    """Add the headers to every response of ``app``."""

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        pay_page = PAY_PAGE_MARK in (request.endpoint or "")
        headers["Referrer-Policy"] = "no-referrer" if pay_page else "same-origin"
        if pay_page:
            headers["Cache-Control"] = "no-store"
        if https:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
