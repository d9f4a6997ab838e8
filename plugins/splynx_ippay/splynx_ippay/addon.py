"""splynx-ippay's manifest and hook implementations (the ``splynx.addons`` entry point).

Every hook runs inside the host's Flask application context (a request, a job or a CLI
command): the add-on reaches the database, settings and ledger through
:func:`hostapp.host.current_host`.
"""

from __future__ import annotations

from core import AddonManifest, ModuleSpec, PaymentAccountType, hookimpl
from hostapp.host import current_host

from . import bulk, widgets
from .charging import Charger
from .entry_points import default_entry_points
from .settings import BANK_METHOD, CARD_METHOD, SETTINGS

MANIFEST = AddonManifest(
    id="ippay", title="IPpay by Convergence", requires_host=">=1.0,<2",
    description="Pay invoices and refill balances with cards and bank accounts (ACH) through the IPpay gateway.",
    capabilities=("pay_invoice", "refill_balance", "bulk_charge", "saved_cards", "saved_bank_accounts",
                  "direct_links", "refunds"),
)


@hookimpl
def splynx_configure_module():
    """The module: settings form, the two payment methods and the two saved-account types."""
    return ModuleSpec(
        title="Splynx IPpay add-on", settings=SETTINGS, payment_methods=(CARD_METHOD, BANK_METHOD),
        payment_account_types=(PaymentAccountType("card", "IPpay credit card"),
                               PaymentAccountType("bank", "IPpay bank account")),
        root="finance",
    )


@hookimpl
def splynx_register_entry_points():
    """Credentials menu link, pay icons (portal and admin), dashboard widgets, customer tab."""
    return default_entry_points()


@hookimpl
def splynx_register_routes():
    """Portal, admin and direct-link pages under ``/ippay``."""
    from .web import bp

    return bp


@hookimpl
def splynx_register_commands():
    """``splynx ippay ...``: gateway check and the local simulator."""
    from .cli import ippay

    return ippay


@hookimpl
def splynx_render_entry_point(point, context):
    """The dashboard widgets: the customer's unpaid invoices (or proformas) with Pay buttons."""
    return widgets.render(point, context)


@hookimpl
def splynx_pay_invoice(request):
    """Charge an invoice or proforma with a saved token or typed details; ENQ settles time-outs."""
    return Charger(current_host()).charge(request)


@hookimpl
def splynx_refill_balance(request):
    """Top up the balance by charging a saved card or bank account."""
    return Charger(current_host()).charge(request)


@hookimpl
def splynx_bulk_charge(batch):
    """Charge each invoice with the customer's default saved account, ``batch.concurrency`` at a time."""
    return bulk.charge_batch(current_host(), batch)
