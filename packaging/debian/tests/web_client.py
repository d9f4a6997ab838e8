"""A small HTTP client for the install test: a browser's cookies and CSRF tokens, no redirects followed."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Response:
    status: int
    body: str
    location: str = ""

    def json(self):
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class WebClient:
    """One browser session against ``base`` (e.g. ``http://127.0.0.1:8080``)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._opener = urllib.request.build_opener(
            _NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self._opener.open(request, timeout=30) as reply:
                return Response(reply.status, reply.read().decode(errors="replace"))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(errors="replace"), error.headers.get("Location", ""))

    def get(self, path: str) -> Response:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, form: dict, headers: dict | None = None) -> Response:
        data = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(self.base + path, data=data, headers=headers or {}))

    @staticmethod
    def csrf_token(page: Response) -> str:
        match = _CSRF.search(page.body)
        assert match, f"no CSRF token on the page (HTTP {page.status})"
        return match.group(1)

    def login(self, path: str, login: str, password: str) -> Response:
        token = self.csrf_token(self.get(path))
        return self.post(path, {"login": login, "password": password, "csrf_token": token})
