"""IntentPay's manifest and hook implementations (the ``splynx.addons`` entry point ``intentpay``).

Every hook receives the running host (:class:`core.host.Host`) first; each docstring below
states the contract of its hook (``core.hookspecs``): when it is called, what it returns,
whether it may move money and how a failure is reported. Money hooks fail loudly and move
money only through the gateway; the host's payment service books the results. The gateway
client is imported by the first money hook called, not when the host loads the add-on; the
models are mapped at load.
"""

from __future__ import annotations

from core import AddonManifest, ModuleSpec, PaymentAccountType, hookimpl
from core.entry_points import EntryPoint

from . import models  # noqa: F401 - the add-on's tables join the shared metadata at load
from .settings import METHOD, SETTINGS

MANIFEST = AddonManifest(
    id="intentpay", title="IntentPay", requires_api=">=1.2,<2",
    description="Pay invoices and refill balances with cards through IntentPay.",
    capabilities=("pay_invoice", "refill_balance", "bulk_charge", "saved_cards", "refunds"),
)


@hookimpl
def splynx_configure_module(host):
    """The module: settings form, payment method and card account type. Declarative, no side effects."""
    return ModuleSpec(title="IntentPay", settings=SETTINGS, payment_methods=(METHOD,),
                      payment_account_types=(PaymentAccountType("card", "IntentPay card"),), root="finance")


@hookimpl
def splynx_register_entry_points(host):
    """Default entry points, stored on sync (admins' edits survive upgrades): Finance menu links."""
    return [
        EntryPoint(name="admin_menu", place="admin", type="menu_link", root="finance", title="IntentPay",
                   icon="fa-credit-card", url="/intentpay/admin/", enabled=True),
        EntryPoint(name="portal_cards", place="portal", type="menu_link", root="finance_credit_card",
                   title="IntentPay cards", icon="fa-credit-card", url="/intentpay/portal/cards", enabled=True),
        EntryPoint(name="portal_refill", place="portal", type="menu_link", root="finance",
                   title="Add money by IntentPay", icon="fa-plus", url="/intentpay/", enabled=True),
    ]


@hookimpl
def splynx_register_routes(host):
    """The blueprint the host mounts at ``/intentpay``; fail-soft (routes missing, error recorded)."""
    from .web import bp

    return bp


@hookimpl
def splynx_pay_invoice(host, request):
    """Charge an invoice or proforma with a saved token or a typed card, at most once per attempt key.

    Called by the host's payment service with the attempt already written; again with the same
    key by the reconciler (then the journal says it was sent before and the gateway is asked).
    Returns a :class:`core.payments.PaymentResult`; raises nothing for gateway failures.
    """
    from .charging import Charger

    return Charger(host).charge(request)


@hookimpl
def splynx_refill_balance(host, request):
    """Top up the balance by charging a saved token or a typed card; the same contract as paying."""
    from .charging import Charger

    return Charger(host).charge(request)


@hookimpl
def splynx_refund_payment(host, request):
    """Refund (part of) a payment under the refund attempt's key; a look-up settles a lost answer.

    Called by the host's payment service with the per-payment lock held and the refundable amount
    checked. Returns a :class:`core.payments.PaymentResult`; never books anything itself.
    """
    from .refunds import refund

    return refund(host, request)


@hookimpl
def splynx_bulk_charge(host, batch):
    """Charge each invoice of a Charge batch with the customer's default card, ``batch.concurrency`` at a time.

    Yields a :class:`core.payments.ChargeItemResult` per invoice as soon as it is known; the
    host books them. A resumed batch hands the same attempt keys again: they are looked up.
    """
    from core.gateway.bulk import charge_batch as run_batch

    from .charging import Charger

    return run_batch(batch, Charger(host).charge, gateway="IntentPay")
