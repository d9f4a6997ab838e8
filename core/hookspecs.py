"""The add-on contract: every hook the host calls, each with its docstring contract.

Add-ons implement these with :data:`core.hookimpl`. Implementations may accept fewer
arguments than the spec names (pluggy passes only what they ask for), so a spec can gain
arguments without breaking add-ons that predate them.

Every hook receives the running host as ``host`` (a :class:`core.host.Host`): its
database, settings, payment service, saved accounts and audit log. Hook code never needs
a Flask application context; it may run in a web request, a job thread, a Celery worker or
the CLI.

The host always calls a hook on one add-on at a time (the facade in
:mod:`core.manager` targets the add-on by id), so an implementation never has to check
whether a call is meant for it.

Two families of hooks, with different failure rules:

* **UI and registration hooks** (``configure_module``, ``register_entry_points``,
  ``register_routes``, ``render_entry_point``, ``entry_point_visible``,
  ``register_commands``, ``lifecycle``, ``mail_templates``, ``mail_variables``, ``demo_data``) are
  called *fail-soft* per add-on by :class:`core.manager.AddonHooks`: an exception is logged,
  attached to that add-on, and the other add-ons still run. A broken widget shows an
  error box; the page still renders.
* **Money hooks** (``pay_invoice``, ``refill_balance``, ``refund_payment``, ``bulk_charge``) target exactly one
  add-on and fail *loudly*: an exception propagates to the caller, which keeps the payment
  attempt in ``unknown`` state so it is reconciled, never retried blindly.

Money has one door. The host's payment service writes an attempt with its key before it
calls a money hook and books the result (payment, refund, ledger lines) in one transaction;
a money hook only talks to its gateway and *returns* what happened. No add-on writes a
payment, refund or ledger line itself (``tests/framework/test_money_door.py`` fails if an
add-on module imports the ledger or creates a payment record). The reconciler calls the same
money hook again, with the same attempt key, for every attempt left unknown or pending past
its lease: that repeated call is how the host looks a transaction up (IPpay ``ENQ``, the
iCharge look-up), so it must answer what the gateway did and never move money twice.
"""

from __future__ import annotations

import pluggy

PROJECT = "splynx"

hookspec = pluggy.HookspecMarker(PROJECT)


# --- registration ---------------------------------------------------------------------


@hookspec
def splynx_configure_module(host):
    """Describe the add-on's module: title, settings schema, methods and account types.

    Called when the host syncs the add-on set (install, upgrade, start-up
    reconciliation, ``splynx addons sync``) and whenever the Modules list settings form
    is built.

    :param host: the running host (:class:`core.host.Host`); the spec should not depend on it.
    :returns: a :class:`core.manifest.ModuleSpec` (title, :class:`core.settings.SettingsSchema`,
        payment method names, payment-account types) or ``None``.
    :money: never; declarative data with no side effects.
    :failure: fail-soft. An exception marks the add-on *broken* with the error shown on
        the Add-ons page; the module is not (re)registered.
    """


@hookspec
def splynx_register_entry_points(host):
    """Return the add-on's default entry points (widgets, menu links, action icons, tabs).

    Called on sync. The host stores them keyed by ``(module, name)``: a new name is
    inserted, an existing row keeps every field an admin edited (and its ``enabled``
    flag) so edits survive upgrades; names no longer returned are removed.

    :param host: the running host.
    :returns: a list of :class:`core.entry_points.EntryPoint` (may be empty) or ``None``.
    :money: never.
    :failure: fail-soft, as for :func:`splynx_configure_module`.
    """


@hookspec
def splynx_register_routes(host):
    """Return the Flask blueprint that serves the add-on's pages under its URL prefix.

    Called once per application build (the app is rebuilt when the add-on set changes).
    The host mounts the blueprint at the prefix derived from the id (``/ippay``) and
    only routes requests to it while the module is enabled. Views reach the host through
    :func:`core.web.current_host`.

    :param host: the running host the app is built for.
    :returns: a :class:`flask.Blueprint` or ``None``.
    :money: never at registration; the views themselves move money only through the
        host's payment services.
    :failure: fail-soft: the add-on's routes are missing and the error is recorded.
    """


@hookspec
def splynx_register_commands(host):
    """Return a :class:`click.Group` of CLI commands, added as ``splynx <group name>``.

    Called when the ``splynx`` CLI starts.

    :param host: the running host the commands will work on.
    :returns: a click command or group, or ``None``.
    :money: never at registration.
    :failure: fail-soft: the command is missing and a warning is printed to stderr.
    """


@hookspec
def splynx_render_entry_point(host, point, context: dict):
    """Render one ``code`` entry point (a dashboard widget) as HTML.

    Called while a page that holds the point's root renders (for example the portal
    dashboard), once per enabled point of this add-on that passed its partner, location
    and payment-type filters.

    :param host: the running host.
    :param point: the stored entry point (:class:`core.entry_points.EntryPoint`).
    :param context: ``{"customer": Customer | None, "admin": Admin | None,
        "request": flask.Request}``; read-only.
    :returns: HTML as :class:`markupsafe.Markup` or ``str`` (escaped if plain ``str``),
        or ``None`` to render the point's stored code template.
    :money: never.
    :failure: fail-soft: the widget becomes an error box naming the add-on; the error
        is logged; the rest of the page renders.
    """


@hookspec
def splynx_entry_point_visible(host, point, context: dict):
    """Say whether one of the add-on's entry points shows for this viewer.

    Called while a page places entry points (menu links, action links, tabs, widgets),
    once per enabled point of this add-on that passed its stored partner, location and
    payment-type filters. It lets a point follow the add-on's own configuration, such
    as a per-partner "show in the portal" setting, without copying that setting into
    the point's filters.

    :param host: the running host.
    :param point: the stored entry point (:class:`core.entry_points.EntryPoint`).
    :param context: ``{"customer": Customer | None, "admin": Admin | None}``; read-only.
        ``customer`` is, in the portal, the customer logged in; in the admin UI, the customer
        the page is about (a customer's Billing tab, one of their invoices), else ``None``
        (lists of many customers' documents such as Finance → Invoices). Gateways use it to offer
        "pay with the saved card" only to a customer who has one
        (:func:`core.gateway.accounts.saved_account_point_visible`).
    :returns: ``False`` to hide the point; ``True`` or ``None`` to show it.
    :money: never.
    :failure: fail-soft: the error is logged and recorded on the add-on and the point
        is hidden; the page still renders.
    """


@hookspec
def splynx_lifecycle(host, event: str, from_version: str | None, to_version: str | None):
    """Notice of a lifecycle step of *this* add-on, after the host finished it.

    :param host: the running host.
    :param event: one of ``installed``, ``upgraded``, ``removed``, ``purged``,
        ``enabled``, ``disabled``.
    :param from_version: version before the step (``None`` on first install).
    :param to_version: version after the step (``None`` on remove and purge).
    :returns: ignored.
    :money: never.
    :failure: fail-soft: logged and recorded on the module; the step is not rolled back.
    """


@hookspec
def splynx_demo_data(host, demo):
    """Add the add-on's own share of the demo data, e.g. saved test cards at its simulator.

    Called only by ``splynx demo``: when it starts, for each installed add-on, and right
    after an add-on is installed from the Add-ons page while the demo runs. Never called by
    ``splynx serve`` or in production.

    :param host: the running host.
    :param demo: :class:`core.demo.DemoSetup`: the Gateway URL of the add-on's simulator
        and the demo customers the add-on may give saved credentials.
    :returns: lines for the operator saying what was added (printed by the demo), or
        ``None``. Must be idempotent: what is already there is kept and not added again.
    :money: never: tokenising a card at the gateway moves no money.
    :failure: fail-soft: logged and recorded on the add-on; the demo and the install carry on.
    """


# --- money ----------------------------------------------------------------------------


@hookspec(firstresult=True)
def splynx_pay_invoice(host, request):
    """Pay one invoice or proforma invoice through the add-on's gateway.

    Called by the host's payment service for the add-on named in the request
    (customer portal, admin profile, direct link, or one invoice of a charge batch),
    after it created a *pending* payment attempt whose key is ``request.attempt_key``.

    :param host: the running host (database, settings, saved accounts).
    :param request: a :class:`core.payments.PaymentRequest` (attempt key, customer,
        target kind and id, amount, payment account token or one-off payment details).
    :returns: a :class:`core.payments.PaymentResult` (approved / declined / pending /
        unknown, gateway reference, approval code, message).
    :money: **yes**. It must be idempotent per ``attempt_key``: a second call with the
        same key must never charge again (send the key as the gateway's transaction id
        or idempotency key, and look the outcome up before re-sending).
    :failure: fail-loud. A timeout or an unparseable answer is returned as ``unknown``
        (the host reconciles it); an unexpected exception propagates and leaves the
        attempt ``unknown`` too. Declines are results, not exceptions.
    """


@hookspec(firstresult=True)
def splynx_refill_balance(host, request):
    """Top up a customer's balance (a gateway amount or a refill-card code).

    Called by the host's payment service for the named add-on, after it created a
    pending attempt. ``request.target_kind`` is ``"balance"``; ``request.source`` names
    what pays (``"card"``, ``"bank"``, ``"refill_card"``) and ``request.details`` carries
    source data such as the refill-card code.

    :param host: the running host.
    :param request: a :class:`core.payments.PaymentRequest` for the balance.
    :returns: a :class:`core.payments.PaymentResult`; ``amount`` is what is credited (for
        a refill card, its price), ``reference`` must be unique per add-on and stable per
        attempt (a replay books nothing twice).
    :money: **yes**; idempotent per ``attempt_key`` as for :func:`splynx_pay_invoice`.
    :failure: fail-loud, as for :func:`splynx_pay_invoice`.
    """


@hookspec(firstresult=True)
def splynx_refund_payment(host, request):
    """Give back (part of) a payment the add-on's gateway took.

    Called by the host's payment service (an admin's *Refund*, or the reconciler asking
    again about an unknown refund) after it locked the payment, checked that
    ``request.amount`` is at most what is left to refund and wrote a pending *refund*
    attempt whose key is ``request.attempt_key``; one refund of a payment is in flight at
    a time. ``request.target_kind`` is ``"refund"`` and ``request.refund_of`` names the
    original payment (its id, gateway reference, amount and source); ``request.account``
    is the saved account it was paid with, if still saved.

    :param host: the running host.
    :param request: a :class:`core.payments.PaymentRequest` for the refund.
    :returns: a :class:`core.payments.PaymentResult`. An approval is booked by the host as
        a negative payment linked to the original, under the refund attempt's key (the
        result's ``reference`` is kept in the add-on's own journal, not in the ledger).
    :money: **yes**; idempotent per ``attempt_key``: called again with the same key, it
        answers what the gateway did with that refund and never sends a second one.
    :failure: fail-loud. An answer that never came is ``unknown``; the attempt stays
        open (and the payment's refund lock held) until a later call can settle it.
    """


@hookspec(firstresult=True)
def splynx_bulk_charge(host, batch):
    """Charge many invoices for a Charge batch; yield one result per invoice.

    Called by the host's charge runner with a :class:`core.payments.ChargeBatch`: the
    invoices already selected, locked and marked *pending*, each with its attempt key
    and the customer's default saved payment account (or ``None``). The host owns
    selection, locking, concurrency limits, progress and history. ``batch.params`` holds
    the values of the add-on's ``ModuleSpec.charge_parameters``; ``batch.concurrency`` is
    how many gateway requests the add-on may have in flight. A batch resumed after a
    worker died sends items again with the *same* attempt keys: the add-on must answer
    what the gateway did with them (e.g. IPpay ``ENQ``), never charge them a second time.

    :param host: the running host.
    :param batch: the :class:`core.payments.ChargeBatch`; each item carries the customer's
        partner and billing address.
    :returns: an iterable of :class:`core.payments.ChargeItemResult`, one per invoice in
        any order. Results are
        consumed as they are produced (a generator streams progress).
    :money: **yes**; each item idempotent per its attempt key.
    :failure: fail-loud per item: a per-invoice problem ("Customer payment account is
        empty!") is a declined item result; an exception stops the batch, and the host
        resolves unfinished items as ``unknown``.
    """


# --- e-mail ---------------------------------------------------------------------------


@hookspec
def splynx_mail_templates(host):
    """Return the e-mail templates the add-on adds to *Config → Templates*.

    Called when the templates page is built and when a message of one of these templates
    is rendered. An operator may edit a template; the edit is stored by the host and kept
    across upgrades of the add-on.

    :param host: the running host.
    :returns: a list of :class:`core.mail.MailTemplate` (keys prefixed with the add-on id),
        or ``None``.
    :money: never.
    :failure: fail-soft: the add-on's templates are missing and the error is recorded.
    """


@hookspec
def splynx_mail_variables(host, template: str, customer, document):
    """Add variables to an e-mail being rendered (a gateway adds its payment link).

    Called once per enabled add-on each time the host renders a template: when a message
    is queued, when an operator previews a template and for the test e-mail of a template.
    A gateway add-on returns a signed direct payment link for ``document`` (see
    :func:`core.gateway.mail.pay_links`), which offers the customer's saved credentials.

    :param host: the running host.
    :param template: the template key (``invoice_new``, ``proforma_new``, ``payment_received``,
        ``refund_made``, ``payment_failed`` or an add-on's own).
    :param customer: the ``Customer`` record the message is for.
    :param document: the ``Invoice`` or ``ProformaInvoice`` record, or ``None``; its
        ``kind`` attribute says which.
    :returns: a :class:`core.mail.MailVariables` or ``None``.
    :money: never.
    :failure: fail-soft: the error is logged and recorded on the add-on; the message is
        rendered without that add-on's variables.
    """
