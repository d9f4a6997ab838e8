"""Security headers: a strict CSP, no sniffing, referrers kept to this site (framing: see headers.py)."""

from __future__ import annotations


def test_every_page_carries_the_security_headers(app, admin_client):
    for client, url in ((app.test_client(), "/portal/login"), (admin_client, "/admin/")):
        headers = client.get(url).headers
        csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
        assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'" and csp["object-src"] == "'none'"
        assert csp["base-uri"] == "'none'" and csp["form-action"] == "'self'" and "frame-ancestors" in csp
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # served over http here; see the https test
