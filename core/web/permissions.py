"""Admin permissions: the vocabulary, and how an admin endpoint declares the one it needs.

Every admin endpoint, the host's and every add-on's, declares one permission where the
route is declared: with ``@admin_required("finance.pay")`` on the view, or with
``@requires("prepaid.manage")`` on a view of a blueprint whose ``before_request`` calls
:func:`core.web.login_gate`. The host grants permissions by role (Super administrator,
Administrator, Manager, Financial manager, Viewer); a refused request answers 403 and is
written to the audit log. An admin endpoint that declares nothing is open to super
administrators only, and the host's test suite fails on it.
"""

from __future__ import annotations

from collections.abc import Callable

#: every permission an admin endpoint may declare, with what it lets an administrator do
PERMISSIONS = {
    "account": "Use the admin UI at all: log out, follow progress of one's own actions",
    "dashboard.view": "See the dashboard's numbers",
    "customers.view": "See customers and their billing, payments and saved accounts",
    "customers.manage": "Change customers",
    "finance.view": "See invoices, proforma invoices, payments and transactions",
    "finance.issue": "Issue invoices and proforma invoices to customers",
    "finance.pay": "Take a payment for a customer through a gateway",
    "finance.refund": "Refund payments",
    "finance.charge": "Charge invoices in bulk and edit auto charge filters",
    "finance.mail": "Send invoices and proforma invoices by e-mail and resend messages of the e-mail log",
    "prepaid.view": "See refill card series, cards and reports",
    "prepaid.manage": "Generate, edit, export, delete and redeem refill cards",
    "jobs.view": "Follow background jobs (installs, exports, charge batches)",
    "administration.view": "See partners, locations and the audit log",
    "administration.manage": "Manage administrators, partners and locations",
    "config.view": "See the modules list and the add-on catalog",
    "config.manage": "Install, remove and configure add-ons, gateway settings and entry points",
}

#: the attribute a view carries its declared permission in
ATTRIBUTE = "splynx_permission"


def requires(permission: str) -> Callable[[Callable], Callable]:
    """Declare the permission a view needs (enforced by the admin login gate that guards it)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}; choose one of {', '.join(PERMISSIONS)}")

    def declare(view: Callable) -> Callable:
        setattr(view, ATTRIBUTE, permission)
        return view

    return declare


def declared_permission(view: Callable | None) -> str | None:
    """The permission ``view`` declared, or ``None``."""
    return getattr(view, ATTRIBUTE, None)
