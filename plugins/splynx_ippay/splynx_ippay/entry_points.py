"""The add-on's default entry points (admins may edit and toggle them in Modules list)."""

from __future__ import annotations

from core.entry_points import EntryPoint

#: the dashboard widget's template (sandboxed; admins may edit it). Variables: ``title``,
#: ``documents`` (number, total, due = what is left to pay, pending, pay_url: none while pending), ``customer``, ``kind_label``.
WIDGET_CODE = """<div class="card-head"><h2>{{ title }}</h2></div>
{% if documents %}
<table class="data ippay-widget">
  <thead><tr><th>Number</th><th class="num">Total</th><th class="actions"></th></tr></thead>
  <tbody>
  {% for d in documents %}
    <tr><td>{{ d.number }}</td><td class="num">{{ d.due }}</td>
      <td class="actions">{% if d.pay_url %}<a class="btn btn-sm btn-primary" href="{{ d.pay_url }}" data-modal-url="{{ d.pay_url }}"
        data-modal-title="Pay {{ kind_label }} {{ d.number }} by IPpay" data-modal-width="600">Pay</a>{% else %}<span class="badge badge-warning">Processing</span>{% endif %}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% else %}<p class="muted">You have no unpaid {{ kind_label }}s. Thank you!</p>{% endif %}"""

INVOICE_WIDGET = "ippay_dashboard_invoices"
PROFORMA_WIDGET = "ippay_dashboard_proformas"


#: the admin's pay icons that charge the customer's saved account: shown only when there is one
ADMIN_PAY_POINTS = ("ippay_admin_pay_invoice", "ippay_admin_pay_proforma")


def default_entry_points() -> list[EntryPoint]:
    return [
        EntryPoint(name="ippay_credentials", place="portal", type="menu_link", root="finance_credit_card",
                   title="IpPay payment credentials", icon="fa-credit-card", url="/ippay/credentials", enabled=True),
        EntryPoint(name="ippay_pay_invoice", place="portal", type="action_link", model="Invoices",
                   title="Pay by IPpay", icon="fa-credit-card", url="/ippay/pay-invoice", size="medium",
                   enabled=True),
        EntryPoint(name="ippay_pay_proforma", place="portal", type="action_link", model="Proforma Invoices",
                   title="Pay by IPpay", icon="fa-credit-card", url="/ippay/pay-proforma", size="medium",
                   enabled=True),
        EntryPoint(name=INVOICE_WIDGET, place="portal", type="code", root="dashboard",
                   title="Pay your invoices by IPpay", code=WIDGET_CODE, enabled=True),
        EntryPoint(name=PROFORMA_WIDGET, place="portal", type="code", root="dashboard",
                   title="Pay your proforma invoices by IPpay", code=WIDGET_CODE, enabled=False),
        EntryPoint(name=ADMIN_PAY_POINTS[0], place="admin", type="action_link", model="Invoices",
                   title="Pay by IPpay (saved credentials)", icon="fa-credit-card",
                   url="/ippay/admin/pay-invoice", size="medium", enabled=True),
        EntryPoint(name=ADMIN_PAY_POINTS[1], place="admin", type="action_link", model="Proforma Invoices",
                   title="Pay by IPpay (saved credentials)", icon="fa-credit-card",
                   url="/ippay/admin/pay-proforma", size="medium", enabled=True),
        EntryPoint(name="ippay_admin_customer", place="admin", type="tab", root="customer", title="IPpay",
                   icon="fa-credit-card", url="/ippay/admin/customer", enabled=True),
    ]
