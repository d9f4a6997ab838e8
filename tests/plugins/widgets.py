"""A test add-on exercising the UI hooks: a dashboard widget, a menu link, an action link, routes."""

from flask import Blueprint
from markupsafe import Markup

from core import (
    AddonManifest,
    EntryPoint,
    Field,
    FieldType,
    ModuleSpec,
    PaymentAccountType,
    Section,
    SettingsSchema,
    hookimpl,
)

MANIFEST = AddonManifest(id="widgets", title="Test widgets add-on", requires_api=">=1.0",
                         description="Entry points for the host's tests")

SETTINGS = SettingsSchema((
    Section("common", "Common settings", (
        Field("greeting", "Greeting", FieldType.TEXT, default="Hello", required=True),
        Field("fee", "Service fee %", FieldType.DECIMAL, default="0", min_value=0, max_value=100),
        Field("retries", "Retries", FieldType.NUMBER, default=3, min_value=0),
        Field("mode", "Mode", FieldType.SELECT, default="test", choices=(("test", "Test"), ("live", "Live"))),
        Field("types", "Available payment types", FieldType.MULTI_SELECT, default=["card"],
              choices=(("card", "Credit card"), ("ach", "ACH"))),
        Field("active", "Change payment method", FieldType.TOGGLE, default=False),
        Field("notes", "Notes", FieldType.TEXTAREA, default=""),
        Field("url", "Gateway URL", FieldType.URL, default="https://gateway.example/api"),
        Field("server_ip", "Server IP", FieldType.IP_ADDRESS, default="127.0.0.1"),
        Field("method", "Payment method", FieldType.SELECT, choices="payment_methods"),
    )),
    Section("credentials", "Partner credentials", (
        Field("api_key", "API key", FieldType.SECRET, required=True),
        Field("currency", "Currency", FieldType.TEXT, default="USD"),
    ), per_partner=True),
))


@hookimpl
def splynx_configure_module():
    """Module spec with every field type."""
    return ModuleSpec(title="Test widgets add-on", settings=SETTINGS, payment_methods=("Widget pay",),
                      payment_account_types=(PaymentAccountType("card", "Widget card", ("Token",)),))


@hookimpl
def splynx_register_entry_points():
    """A dashboard widget, an invoice action link and a Finance menu link."""
    return [
        EntryPoint(name="widgets_dashboard", place="portal", type="code", root="dashboard", title="Widget",
                   code="<p class='test-widget'>{{ greeting }}, {{ customer.name }}!</p>", enabled=True),
        EntryPoint(name="widgets_invoice", place="portal", type="action_link", model="Invoices",
                   title="Pay by widget", icon="fa-credit-card", url="/widgets/pay", size="small", enabled=True),
        EntryPoint(name="widgets_menu", place="portal", type="menu_link", root="finance",
                   title="Widget credentials", icon="fa-credit-card", url="/widgets/", enabled=True),
    ]


@hookimpl
def splynx_render_entry_point(point, context):
    """Render the widget template with the add-on's greeting setting."""
    from core.entry_points import render_code

    return render_code(point, greeting="Hello", customer=context["customer"])


bp = Blueprint("widgets", __name__)


@bp.get("/")
def index():
    return Markup("<p>widgets home</p>")


#: the pay modal: a bare page with a form whose errors show in the modal and a confirm before paying
PAY_PAGE = """{% extends "bare.html" %}{% from "macros/ui.html" import input %}
{% block content %}<p>pay modal</p>
<form method="post" novalidate><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <div class="form-grid">{{ input('amount', 'Amount', amount, errors=errors) }}</div>
  <div class="form-actions"><button class="btn btn-primary" type="submit" data-confirm="Pay {{ amount }} now?"
    data-confirm-title="Confirm payment" data-confirm-ok="Pay">Pay</button></div>
</form>{% endblock %}"""


@bp.route("/pay", methods=["GET", "POST"])
def pay():
    from flask import flash, redirect, render_template_string, request, url_for

    amount = request.form.get("amount", "").strip()
    if request.method == "POST":
        if not amount:
            return render_template_string(PAY_PAGE, amount=amount, errors={"amount": "Enter the amount."}), 422
        flash(f"Widget payment of {amount} $ received.", "success")
        return redirect(url_for("portal.invoices"))
    return render_template_string(PAY_PAGE, amount=amount, errors={})


@hookimpl
def splynx_register_routes():
    """The add-on's pages."""
    return bp


#: lifecycle notices received, for the tests
EVENTS: list[tuple[str, str | None, str | None]] = []


@hookimpl
def splynx_lifecycle(event, from_version, to_version):
    """Record every lifecycle notice."""
    EVENTS.append((event, from_version, to_version))


@hookimpl
def splynx_register_commands():
    """``splynx widgets hello``."""
    import click

    @click.group(name="widgets")
    def group():
        """Test widget commands."""

    @group.command()
    def hello():
        """Say hello."""
        click.echo("hello from widgets")

    return group


#: what ``splynx_mail_variables`` answers next: values, or an exception to raise
MAIL = {"values": {"points": 7}, "raise": None}


@hookimpl
def splynx_mail_templates():
    from core.mail import MailTemplate

    return [MailTemplate("widgets_digest", "Widget digest", "Digest for {{ customer.name }}",
                         "<p>{{ addons.widgets.points }} widget points</p>", description="The widgets' own e-mail.")]


@hookimpl
def splynx_mail_variables(template, customer, document):
    from datetime import datetime, timezone

    from core.mail import MailVariables, PayLink

    if MAIL["raise"] is not None:
        raise MAIL["raise"]
    link = PayLink("widgets", "Pay with widgets", f"https://pay.example/{customer.id}?sig=ABCDEFGHIJKLMNOP",
                   datetime(2030, 1, 1, tzinfo=timezone.utc))
    return MailVariables(pay_links=(link,), values=dict(MAIL["values"]))
