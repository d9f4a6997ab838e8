"""Browser fixtures: a live server in a thread and pytest-playwright on Debian's chromium.

Loaded for the whole suite so add-on test packages can use them too, with the helpers
:func:`admin_login`, :func:`portal_page_for` and :func:`screenshot`.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from hostapp.app import create_app
from splynx_testing.machine import require_tool

CHROMIUM = os.environ.get("SPLYNX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


class LiveServer:
    """The host's app (or another WSGI app for it, e.g. a ``LiveApp``) on 127.0.0.1:<free port>."""

    def __init__(self, host, app=None) -> None:
        self.host = host
        self.app = app or create_app(host)
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.socket.getsockname()[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def live_server(host):
    server = LiveServer(host)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium (``SPLYNX_CHROMIUM``), headless: every browser test launches it through this."""
    executable = require_tool(CHROMIUM, "chromium")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS, "headless": True}


def admin_login(page, live_server, factory):
    """Create the ``root`` admin and log it in to the admin UI in this browser page."""
    factory.admin(login="root", password="root-password")
    page.goto(f"{live_server.url}/admin/login")
    page.get_by_label("Login").fill("root")
    page.get_by_label("Password").fill("root-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return page


@pytest.fixture
def admin_page(page, live_server, factory):
    """A browser page logged in to the admin UI."""
    return admin_login(page, live_server, factory)


def screenshot(page, folder: str, name: str) -> None:
    """A full-page PNG in ``$SPLYNX_SCREENSHOTS/<folder>`` (default ``test-artifacts/<folder>``)."""
    shots = Path(os.environ.get("SPLYNX_SCREENSHOTS", "test-artifacts")) / folder
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


#: a phone's viewport (iPhone SE class): the portal must work at this size
PHONE = {"width": 375, "height": 667}
#: the smallest tap target on a phone, in CSS pixels
MIN_TAP = 40
#: what a finger taps: buttons, form fields, check boxes (with their label), button-styled links,
#: menu and pager links, the links of dashboard tiles
TAP_TARGETS = ("button, a.btn, a.btn-icon, input:not([type=hidden]), select, textarea, .nav a, .pager a, .tile a")


@pytest.fixture
def phone(browser):
    """A browser page in a phone's viewport, with touch."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def assert_fits_phone(page) -> None:
    """No horizontal scrolling, no table wider than the screen, every visible tap target at least MIN_TAP px.

    A table that scrolls sideways inside its card counts as too wide (its far columns need a swipe,
    like a page that scrolls). A check box or radio button is tapped through its label, so the
    label is what is measured when it has one.
    """
    page.wait_for_load_state("load")  # measured with the page's stylesheets applied
    sizes = page.evaluate("""(selector) => ({
        scroll: document.documentElement.scrollWidth, width: window.innerWidth,
        wide: Array.from(document.querySelectorAll("table"))
          .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().width > window.innerWidth)
          .map((el) => `${Math.round(el.getBoundingClientRect().width)} px: ${el.outerHTML.slice(0, 60)}`),
        small: Array.from(document.querySelectorAll(selector))
          .filter((el) => el.offsetParent !== null && el.getClientRects().length)
          .map((el) => el.matches("input[type=checkbox], input[type=radio]") && el.closest("label") || el)
          .map((el) => ({ el: el.outerHTML.slice(0, 90), box: el.getBoundingClientRect() }))
          .filter((t) => t.box.height < %d || t.box.width < %d)
          .map((t) => `${Math.round(t.box.width)}x${Math.round(t.box.height)} ${t.el}`),
    })""" % (MIN_TAP, MIN_TAP), TAP_TARGETS)
    assert sizes["scroll"] <= sizes["width"], f"{page.url}: {sizes['scroll']} px wide in a {sizes['width']} px viewport"
    assert not sizes["wide"], f"{page.url}: tables wider than the {sizes['width']} px viewport: {sizes['wide']}"
    assert not sizes["small"], f"{page.url}: tap targets under {MIN_TAP} px: {sizes['small']}"


def modal_layer(page, index: int = 0):
    """A modal open over the page: the first (``0``) or the top one (``-1``, e.g. a confirm over a dialog)."""
    layers = page.locator(".modal-backdrop")
    return layers.last if index == -1 else layers.nth(index)


def portal_page_for(page, live_server, customer, password: str = "customer-password"):
    """Log a customer in to the portal in this browser page."""
    page.goto(f"{live_server.url}/portal/login")
    page.get_by_label("Login").fill(customer.login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/portal/")
    return page


@pytest.fixture
def portal_page(page, live_server):
    """``portal_page(customer)``: this browser page logged in to the customer portal."""
    return lambda customer, password="customer-password": portal_page_for(page, live_server, customer, password)
