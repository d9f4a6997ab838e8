"""The product's look, server side: the icon set, security headers, error pages, the ISP's branding."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from markupsafe import Markup

from hostapp.app import create_app
from hostapp.services.branding import LogoError, image_kind
from hostapp.web.icon_set import find_font_awesome, icon_names
from hostapp.web.icons import icon
from splynx_testing.fixtures import portal_login
from tests.images import png


# --- icons ---

def test_font_awesome_4_7_is_found_and_served_from_this_app(client):
    folder = find_font_awesome()
    assert folder is not None and {"credit-card", "ticket", "bolt", "puzzle-piece"} <= icon_names(folder)
    css = client.get("/vendor/font-awesome/css/font-awesome.min.css")
    assert css.status_code == 200 and b"4.7.0" in css.data
    font = client.get("/vendor/font-awesome/fonts/fontawesome-webfont.woff2")
    assert font.status_code == 200 and font.data[:4] == b"wOF2"
    # only the files a browser needs; nothing else of the folder, no path tricks
    for path in ("less/variables.less", "../css/font-awesome.css", "css/../../data/css/font-awesome.css"):
        assert client.get(f"/vendor/font-awesome/{path}").status_code == 404


def test_a_configured_folder_without_the_set_is_reported(tmp_path):
    assert find_font_awesome(str(tmp_path)) is None


@pytest.mark.parametrize(("name", "glyph"), [
    ("fa-credit-card", "fa-credit-card"), ("fa fa-ticket", "fa-ticket"), ("fas fa-money-bill", "fa-money"),
    ("home", "fa-home"), ("fa-no-such-icon", "fa-puzzle-piece"), ("", "fa-puzzle-piece"), (None, "fa-puzzle-piece"),
])
def test_icon_names_of_entry_points_map_to_font_awesome_glyphs(app, name, glyph):
    with app.app_context():
        html = str(icon(name))
    assert f'class="fa {glyph} fa-fw"' in html and 'aria-hidden="true"' in html


def test_an_icon_with_a_label_is_read_out(app):
    with app.app_context():
        assert '<span class="sr-only">Default</span>' in str(icon("check", "Default"))


def test_a_kept_icon_answers_for_exactly_its_own_name_label_and_icon_set(app, tmp_path):
    """Icons are made once per distinct call: an equal text label and markup label, another icon set
    (here none found: every name taken as it is), each get their own markup."""
    with app.app_context():
        assert "&lt;b&gt;Due&lt;/b&gt;" in str(icon("check", "<b>Due</b>"))
        assert "<b>Due</b>" in str(icon("check", Markup("<b>Due</b>")))
        assert 'class="fa fa-puzzle-piece fa-fw"' in str(icon("no-such-icon"))
    other = create_app(app.extensions["splynx"], testing=True)
    other.extensions["font_awesome_dir"] = None
    with other.app_context():
        assert 'class="fa fa-no-such-icon fa-fw"' in str(icon("no-such-icon"))
    with app.app_context():
        assert 'class="fa fa-spin' not in str(icon("refresh")) and "fa-spin" in str(icon("refresh", spin=True))


def test_pages_use_the_icon_font_and_no_unicode_glyph_buttons(admin_client):
    page = admin_client.get("/admin/config/integrations/add-ons").get_data(as_text=True)
    assert "/vendor/font-awesome/css/font-awesome.min.css" in page
    for glyph in "✓⬇✖⊘ℹ↻⟳✎":
        assert glyph not in page


# --- headers ---

def test_no_page_of_the_app_may_be_framed(client):
    answer = client.get("/portal/login")
    csp = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "frame-src http: https:" in csp
    assert answer.headers["X-Frame-Options"] == "DENY"


# --- error pages ---

def test_404_for_a_visitor_is_the_neutral_page_with_the_isp_name(client):
    answer = client.get("/no/such/page")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 404
    assert 'data-error="404"' in page and "Page not found" in page and 'class="public"' in page
    assert "Not Found</h1>" not in page  # not Werkzeug's page


def test_404_for_an_admin_is_in_the_admin_layout(admin_client):
    page = admin_client.get("/admin/no-such-page").get_data(as_text=True)
    assert 'data-error="404"' in page and 'aria-label="Main menu"' in page and "Admin dashboard" in page


def test_404_for_a_customer_is_in_the_portal_layout(app, factory):
    customer = factory.customer(name="Grace Hopper")
    c = portal_login(app, customer)
    answer = c.get("/portal/finance/invoices/999999")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 404 and 'data-error="404"' in page and "Grace Hopper" in page


def test_an_error_inside_a_modal_is_a_bare_page(admin_client):
    page = admin_client.get("/admin/no-such-page", headers={"X-Splynx-Modal": "1"}).get_data(as_text=True)
    assert 'class="bare"' in page and 'data-error="404"' in page and "Main menu" not in page


def test_403_is_in_the_admin_layout(app, factory):
    from hostapp.models import Admin
    factory.admin(login="viewer", password="viewer-password")
    with app.app_context():
        from core.web import current_host
        session = current_host().db.session
        viewer = session.query(Admin).filter_by(login="viewer").one()
        viewer.role = "viewer"
        session.commit()
    c = app.test_client()
    c.post("/admin/login", data={"login": "viewer", "password": "viewer-password"})
    answer = c.post("/admin/config/main/company", data={"name": "Hacked"})
    assert answer.status_code == 403
    assert 'data-error="403"' in answer.get_data(as_text=True)


def test_500_shows_the_branded_page(app, factory):
    @app.get("/boom")
    def boom():
        raise RuntimeError("broken on purpose")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    answer = app.test_client().get("/boom")
    assert answer.status_code == 500 and 'data-error="500"' in answer.get_data(as_text=True)


def test_favicon(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert 'rel="icon"' in client.get("/portal/login").get_data(as_text=True)


# --- the ISP's name and logo ---

def test_image_kinds_are_recognised_by_content():
    assert image_kind(png()) == "png"
    assert image_kind(b"\xff\xd8\xff\xe0rest") == "jpg"
    for bad in (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", b"GIF", b""):
        with pytest.raises(LogoError):
            image_kind(bad)


def test_company_name_and_uploaded_logo_show_on_public_pages(admin_client, client):
    answer = admin_client.post("/admin/config/main/company", data={
        "name": "  Northwind   Broadband ", "logo_file": (io.BytesIO(png()), "logo.png")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Company details saved: Northwind Broadband." in answer.get_data(as_text=True)
    page = client.get("/no/such/page").get_data(as_text=True)
    assert "Northwind Broadband" in page
    logo = page.split('class="isp-logo" src="')[1].split('"')[0]
    image = client.get(logo)
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == png()
    assert image.headers["X-Content-Type-Options"] == "nosniff"


def test_a_bad_logo_is_refused_and_nothing_is_saved(admin_client):
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    answer = admin_client.post("/admin/config/main/company", data={
        "name": "Other Name", "logo_file": (io.BytesIO(svg), "logo.svg")}, content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "must be a PNG, JPEG, GIF or WebP image" in page
    assert "Other Name" in page  # what was typed stays in the form
    assert "Company details saved" not in admin_client.get("/admin/config/main/company").get_data(as_text=True)
    assert 'value="Splynx"' in admin_client.get("/admin/config/main/company").get_data(as_text=True)


def test_a_logo_url_is_fetched_once_and_kept(admin_client, client):
    body = png(8, 8)

    class Logo(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Logo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/logo.png"
        answer = admin_client.post("/admin/config/main/company", data={"name": "Contoso Net", "logo_url": url})
        assert answer.status_code == 302
    finally:
        server.shutdown()
        thread.join(5)
    page = client.get("/no/such/page").get_data(as_text=True)  # the site is gone: the logo is still here
    logo = page.split('class="isp-logo" src="')[1].split('"')[0]
    assert client.get(logo).data == body


def test_a_logo_url_that_is_not_http_is_refused(admin_client):
    answer = admin_client.post("/admin/config/main/company", data={"name": "X", "logo_url": "file:///etc/passwd"})
    assert answer.status_code == 422 and "must start with http:// or https://" in answer.get_data(as_text=True)
