"""What an add-on's views use: the host, the viewer, guards, tables, formats, layouts by name.

Add-on pages are Flask views on the blueprint that ``splynx_register_routes`` returns.
Templates extend the host's layouts and import its macros by the names below; those
names are part of the add-on API as much as the functions are.
"""

from .addresses import public_url
from .formats import day, money
from ..inputs import MAX_ID, ascii_digits, parse_amount, parse_choice, parse_email, parse_id, parse_int, parse_text
from .inputs import id_or_404
from .permissions import PERMISSIONS, requires
from .tables import Page, paginate, paginate_items
from .throttle import TooManyAttempts, check_attempts, clear_attempts, count_attempt
from .viewers import (
    ADMIN,
    PORTAL,
    Viewers,
    admin_customer_or_404,
    admin_partner_ids,
    admin_required,
    admin_sees_partner,
    current_admin,
    current_customer,
    current_host,
    customer_required,
    host_page,
    login_gate,
    scope_customers,
    scope_partners,
)

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
#: template macro files and the macros each offers
MACROS = {
    "macros/ui.html": ("flashes", "search_box", "pager", "empty_row", "post_button", "action_icons", "field_row",
                       "input", "select", "job_panel"),
    "macros/payments.html": ("quote_facts", "account_select", "card_fields", "save_card_toggle", "result",
                             "direct_links"),
}

__all__ = [
    "ADMIN", "ADMIN_LAYOUT", "BARE_LAYOUT", "CUSTOMER_LAYOUT", "MACROS", "MAX_ID", "PERMISSIONS", "PORTAL", "PORTAL_LAYOUT", "PUBLIC_LAYOUT", "Page",
    "TooManyAttempts", "Viewers", "admin_customer_or_404", "admin_partner_ids", "admin_required", "admin_sees_partner", "ascii_digits",
    "check_attempts", "clear_attempts", "count_attempt", "current_admin", "current_customer", "current_host", "customer_required",
    "day", "host_page", "id_or_404", "login_gate", "money", "paginate", "paginate_items", "parse_amount",
    "parse_choice", "parse_email", "parse_id", "parse_int", "parse_text", "public_url", "requires", "scope_customers", "scope_partners",
]
