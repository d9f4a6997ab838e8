"""splynx-icharge's manifest and hook implementations (the ``splynx.addons`` entry point).

Every hook receives the running host (:class:`core.host.Host`) and reaches the database,
settings, saved accounts and payment service through it; none needs an application context.
The gateway client (charging, refunds, bulk charges) is imported by the first money hook
called, not when the host loads the add-on; the models are mapped at load.
"""

from __future__ import annotations

from core import AddonManifest, ModuleSpec, PaymentAccountType, PortalMethod, hookimpl
from core.gateway.accounts import saved_account_point_visible
from core.gateway.mail import GatewayMail

from . import models, widgets  # noqa: F401 - models: the add-on's tables join the shared metadata at load
from .entry_points import ADMIN_PAY_POINTS, default_entry_points
from .settings import ADDON_ID, CARD_METHOD, SETTINGS, load_settings

MANIFEST = AddonManifest(
    id="icharge", title="Splynx iCharge Add-on", requires_api=">=1.2,<2",
    description="Pay invoices and refill balances with cards through the Xilo iCharge gateway.",
    capabilities=("pay_invoice", "refill_balance", "bulk_charge", "saved_cards", "direct_links", "refunds"),
)


@hookimpl
def splynx_configure_module():
    """The module: settings form (with the server IP to register at Xilo), payment method, card account type."""
    return ModuleSpec(title="Splynx iCharge Add-on", settings=SETTINGS, payment_methods=(CARD_METHOD,),
                      payment_account_types=(PaymentAccountType("card", "iCharge credit card"),), root="finance",
                      portal_methods=(PortalMethod("icharge", "iCharge (credit card)"),))


@hookimpl
def splynx_register_entry_points():
    """Cards menu link, pay icons (portal and admin), dashboard widgets (disabled), customer tab."""
    return default_entry_points()


@hookimpl
def splynx_entry_point_visible(host, point, context):
    """The admin's "Pay by … (saved card)" icons only for a customer with a saved account here."""
    return saved_account_point_visible(host, ADDON_ID, point, context, ADMIN_PAY_POINTS)


@hookimpl
def splynx_demo_data(host, demo):
    """``splynx demo`` only: test cards for the customers it offers, saved at its iCharge simulator."""
    from .demo import demo_data  # the simulator's test credentials: loaded by the demo only

    return demo_data(host, demo)


@hookimpl
def splynx_register_routes():
    """Portal, admin and direct-link pages under ``/icharge``."""
    from .web import bp

    return bp


@hookimpl
def splynx_register_commands():
    """``splynx icharge ...``: gateway check and the local simulator."""
    from .cli import icharge

    return icharge


@hookimpl
def splynx_render_entry_point(host, point, context):
    """The dashboard widgets: unpaid invoices (or proformas) with Pay buttons, and the refill form."""
    return widgets.render(host, point, context)


@hookimpl
def splynx_pay_invoice(host, request):
    """Charge an invoice or proforma with a saved token or a typed card; a look-up settles time-outs."""
    from .charging import Charger

    return Charger(host).charge(request)


@hookimpl
def splynx_refill_balance(host, request):
    """Top up the balance by charging a saved or typed card."""
    from .charging import Charger

    return Charger(host).charge(request)


@hookimpl
def splynx_refund_payment(host, request):
    """Refund (part of) a card payment with ProcessRefund under the refund attempt's key."""
    from .refunds import refund

    return refund(host, request)


@hookimpl
def splynx_bulk_charge(host, batch):
    """Charge each invoice with the customer's default saved card, ``batch.concurrency`` at a time."""
    from .bulk import charge_batch

    return charge_batch(host, batch)


MAIL = GatewayMail(gateway=ADDON_ID, prefix="/icharge", title="Pay with iCharge", load_settings=load_settings)


@hookimpl
def splynx_mail_variables(host, customer, document):
    """A signed direct payment link for the invoice or proforma the e-mail is about."""
    return MAIL.variables(host, customer, document)
