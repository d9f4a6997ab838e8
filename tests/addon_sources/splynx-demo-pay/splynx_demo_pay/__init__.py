"""Demo pay: the lifecycle tests' add-on (a table, a portal page, a dashboard widget)."""

from flask import Blueprint, render_template
from sqlalchemy import func, select

from core import AddonManifest, EntryPoint, Field, FieldType, ModuleSpec, Section, SettingsSchema, hookimpl
from core.web import current_customer, current_host, customer_required

from .models import DemoPayReceipt

MANIFEST = AddonManifest(id="demo_pay", title="Demo pay", requires_api=">=1.0",
                         description="A test add-on with a table, a portal page and a dashboard widget")

bp = Blueprint("demo_pay", __name__, template_folder="templates")


@bp.get("/")
@customer_required
def index():
    """The add-on's portal page: how many receipts its table holds."""
    count = current_host().db.session.execute(select(func.count()).select_from(DemoPayReceipt)).scalar_one()
    return render_template("demo_pay/index.html", receipts=count, current_customer=current_customer())


@hookimpl
def splynx_configure_module():
    """One text setting."""
    return ModuleSpec(title="Demo pay", settings=SettingsSchema((
        Section("main", "Main", (Field("button_label", "Button label", FieldType.TEXT, default="Pay with Demo pay"),)),
    )))


@hookimpl
def splynx_register_entry_points():
    """A portal dashboard widget, off until an administrator enables it."""
    return [EntryPoint(name="demo_pay_dashboard", place="portal", type="code", root="dashboard", title="Demo pay",
                       code="<p class='demo-pay-widget'>Demo pay is ready for {{ customer.name }}</p>",
                       enabled=False)]


@hookimpl
def splynx_register_routes():
    """The portal page under /demo-pay/."""
    return bp
