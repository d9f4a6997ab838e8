"""The templates' ``url_for``: a page's fixed links are built once per app and then reused.

Every page builds the same URLs on every request: its stylesheets and scripts (an endpoint and
a file name) and fixed links such as the log-out form or the dashboard's tiles (an endpoint
alone), and each of Flask's ``url_for`` calls looks the rule up and runs its builder again.
Within a request such a URL depends only on the endpoint, the file name and the script root,
so the template global keeps it keyed on exactly those. Every other call goes to Flask as it
is: other arguments (record ids, query strings, ``_external``), a relative endpoint (``.name``
depends on the request's blueprint), no request at all, or an app with ``url_defaults``
functions or URL build error handlers (they may add values or answer per request). A URL that
cannot be built raises as before and is not kept.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request

#: the one argument a kept URL may have
FILENAME = "filename"
#: at most this many URLs are kept per app (endpoints and static files are a bounded set)
SIZE = 4096


def register(app: Flask) -> None:
    """Make the ``url_for`` template global of ``app`` reuse the fixed URLs it built."""
    built: dict[tuple, str] = {}
    build = app.url_for

    def url_for(endpoint: str, /, **values) -> str:
        """Flask's ``url_for``; a fixed URL (see the module) is built once."""
        filename = values.get(FILENAME)
        if (len(values) > (FILENAME in values) or not isinstance(filename, (str, type(None)))
                or endpoint.startswith(".") or not has_request_context()
                or any(app.url_default_functions.values()) or app.url_build_error_handlers):
            return build(endpoint, **values)
        key = (request.script_root, endpoint, filename)
        url = built.get(key)
        if url is None:
            url = build(endpoint, **values)
            if len(built) < SIZE:
                built[key] = url
        return url

    app.jinja_env.globals["url_for"] = url_for
