"""The templates' ``url_for`` gives what Flask's gives, also when it reuses a URL it built before."""

from flask import render_template_string, url_for

CALLS = ("{{ url_for('static', filename='css/app.css') }}|{{ url_for('portal.logout') }}|"
         "{{ url_for('portal.invoice', invoice_id=7) }}|{{ url_for('portal.logout', _external=True) }}|"
         "{{ url_for('.logout') }}")


def _flask(app, base_url: str, path: str) -> str:
    with app.test_request_context(path, base_url=base_url):
        return "|".join((url_for("static", filename="css/app.css"), url_for("portal.logout"),
                         url_for("portal.invoice", invoice_id=7), url_for("portal.logout", _external=True),
                         url_for(".logout")))


def test_template_urls_are_flasks_under_each_script_root_and_host(app):
    for base_url, path in (("http://localhost/", "/portal/"), ("http://localhost/", "/portal/"),
                           ("http://example.net/isp/", "/portal/"), ("http://localhost/", "/admin/")):
        with app.test_request_context(path, base_url=base_url):
            assert render_template_string(CALLS) == _flask(app, base_url, path)
