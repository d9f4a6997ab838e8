"""What an add-on's views use: the host, the viewer, guards, tables, formats, layouts by name.

Add-on pages are Flask views on the blueprint that ``splynx_register_routes`` returns.
Templates extend the host's layouts and import its macros by the names below; those
names are part of the add-on API as much as the functions are.
"""

from .addresses import public_url
from .formats import day, money
from ..inputs import MAX_ID, ascii_digits, parse_amount, parse_choice, parse_email, parse_id, parse_int, parse_text
from .inputs import id_or_404
from .layouts import (
    ADMIN_LAYOUT,
    BARE_LAYOUT,
    CUSTOMER_LAYOUT,
    MODAL_HEADER,
    PORTAL_LAYOUT,
    PUBLIC_LAYOUT,
    in_modal,
    layout_for,
)
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

#: template macro files and the macros each offers
MACROS = {
    "macros/ui.html": ("flashes", "search_box", "pager", "empty_row", "post_button", "action_icons", "field_row",
                       "input", "select", "job_panel"),
    "macros/payments.html": ("quote_facts", "account_select", "card_fields", "save_card_toggle", "result",
                             "direct_links"),
}

__all__ = [
    "ADMIN", "ADMIN_LAYOUT", "BARE_LAYOUT", "CUSTOMER_LAYOUT", "MACROS", "MAX_ID", "MODAL_HEADER", "PERMISSIONS", "PORTAL", "PORTAL_LAYOUT", "PUBLIC_LAYOUT", "Page",
    "TooManyAttempts", "Viewers", "admin_customer_or_404", "admin_partner_ids", "admin_required", "admin_sees_partner", "ascii_digits",
    "check_attempts", "clear_attempts", "count_attempt", "current_admin", "current_customer", "current_host", "customer_required",
    "day", "host_page", "id_or_404", "in_modal", "layout_for", "login_gate", "money", "paginate", "paginate_items", "parse_amount",
    "parse_choice", "parse_email", "parse_id", "parse_int", "parse_text", "public_url", "requires", "scope_customers", "scope_partners",
]
