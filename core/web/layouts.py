"""The host's page layouts by name, and the choice between a page and a modal body.

A page an administrator may open either as a page of its own or in a modal (an edit form, a
series' cards) extends ``layout_for(ADMIN_LAYOUT)``: the host's in-page modals load it with
the header :data:`MODAL_HEADER`, and it then renders without menus; opened directly (a plain
link, JavaScript off) it is a whole page. Templates reach the function as the global
``layout_for``::

    {% extends layout_for("admin/layout.html") %}
"""

from __future__ import annotations

from flask import has_request_context, request

#: the admin UI's page layout (blocks ``title``, ``content``; the Splynx menu around them)
ADMIN_LAYOUT = "admin/layout.html"
#: one customer's page in the admin UI: the customer's head (Edit, Issue invoice) and tab bar, the host's tabs
#: and every add-on's. A view of a "tab" entry point (root ``customer``, opened with ``?customer_id=``) renders
#: a template extending it with ``customer`` in the context, its content in the block ``tab_content`` and
#: optionally its crumb in ``tab_crumb``; the tab whose URL is the page's path is marked active.
CUSTOMER_LAYOUT = "admin/customer_frame.html"
#: the customer portal's page layout (blocks ``title``, ``content``; phone-sized menu)
PORTAL_LAYOUT = "portal/layout.html"
#: a page without menus, for modal bodies and add-on panels (loaded into a host page)
BARE_LAYOUT = "bare.html"
#: a public page (direct payment links) under the ISP's name and logo (block ``content``)
PUBLIC_LAYOUT = "public.html"
#: the request header the host's modals and in-page panels send when they load a page
MODAL_HEADER = "X-Splynx-Modal"


def in_modal() -> bool:
    """True while the request loads a page into one of the host's modals or in-page panels."""
    return has_request_context() and bool(request.headers.get(MODAL_HEADER))


def layout_for(layout: str) -> str:
    """``layout`` for a page of its own, :data:`BARE_LAYOUT` when the page is loaded into a modal."""
    return BARE_LAYOUT if in_modal() else layout
