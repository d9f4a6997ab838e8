"""The add-on's default entry points (admins may edit and toggle them in Modules list).

The dashboard widgets ship disabled: an operator enables them in Modules list → Splynx
iCharge Add-on → Edit entry points, as the product walkthrough shows.
"""

from __future__ import annotations

from core.entry_points import EntryPoint

#: "Pay your invoices by iCharge" (sandboxed; admins may edit it). Variables: ``title``,
#: ``documents`` (number, total, due = what is left to pay, pending, pay_url: none while pending), ``customer``, ``kind_label``.
PAY_WIDGET_CODE = """<div class="card-head"><h2>{{ title }}</h2></div>
{% if documents %}
<table class="data icharge-widget">
  <thead><tr><th>Number</th><th class="num">Total</th><th class="actions"></th></tr></thead>
  <tbody>
  {% for d in documents %}
    <tr><td>{{ d.number }}</td><td class="num">{{ d.due }}</td>
      <td class="actions">{% if d.pay_url %}<a class="btn btn-sm btn-primary" href="{{ d.pay_url }}" data-modal-url="{{ d.pay_url }}"
        data-modal-title="Pay {{ kind_label }} {{ d.number }} by iCharge" data-modal-width="600">Pay</a>{% else %}<span class="badge badge-warning">Processing</span>{% endif %}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% else %}<p class="muted">You have no unpaid {{ kind_label }}s. Thank you!</p>{% endif %}"""

#: "Refill balance by iCharge". Variables: ``title``, ``balance``, ``refill_url``, ``customer``.
REFILL_WIDGET_CODE = """<div class="card-head"><h2>{{ title }}</h2></div>
<p>Account balance: <b data-widget-balance>{{ balance }}</b></p>
<div class="table-tools">
  <form method="get" action="{{ refill_url }}">
    <label for="icharge-refill-amount">Amount</label>
    <input id="icharge-refill-amount" type="text" name="amount" inputmode="decimal" placeholder="25.00">
    <button class="btn btn-primary" type="submit">Refill</button>
  </form>
</div>"""

INVOICE_WIDGET = "icharge_dashboard_invoices"
PROFORMA_WIDGET = "icharge_dashboard_proformas"
REFILL_WIDGET = "icharge_dashboard_refill"


#: the admin's pay icons that charge the customer's saved account: shown only when there is one
ADMIN_PAY_POINTS = ("icharge_admin_pay_invoice", "icharge_admin_pay_proforma")


def default_entry_points() -> list[EntryPoint]:
    return [
        EntryPoint(name="icharge_cards", place="portal", type="menu_link", root="finance_credit_card",
                   title="iCharge payment cards", icon="fa-bolt", url="/icharge/cards", enabled=True),
        EntryPoint(name="icharge_pay_invoice", place="portal", type="action_link", model="Invoices",
                   title="Pay by iCharge", icon="fa-bolt", url="/icharge/pay-invoice", size="medium",
                   enabled=True),
        EntryPoint(name="icharge_pay_proforma", place="portal", type="action_link", model="Proforma Invoices",
                   title="Pay by iCharge", icon="fa-bolt", url="/icharge/pay-proforma", size="medium",
                   enabled=True),
        EntryPoint(name=INVOICE_WIDGET, place="portal", type="code", root="dashboard",
                   title="Pay your invoices by iCharge", code=PAY_WIDGET_CODE, enabled=False),
        EntryPoint(name=PROFORMA_WIDGET, place="portal", type="code", root="dashboard",
                   title="Pay your proforma invoices by iCharge", code=PAY_WIDGET_CODE, enabled=False),
        EntryPoint(name=REFILL_WIDGET, place="portal", type="code", root="dashboard",
                   title="Refill balance by iCharge", code=REFILL_WIDGET_CODE, enabled=False),
        EntryPoint(name=ADMIN_PAY_POINTS[0], place="admin", type="action_link", model="Invoices",
                   title="Pay by iCharge (saved card)", icon="fa-bolt",
                   url="/icharge/admin/pay-invoice", size="medium", enabled=True),
        EntryPoint(name=ADMIN_PAY_POINTS[1], place="admin", type="action_link", model="Proforma Invoices",
                   title="Pay by iCharge (saved card)", icon="fa-bolt",
                   url="/icharge/admin/pay-proforma", size="medium", enabled=True),
        EntryPoint(name="icharge_admin_customer", place="admin", type="tab", root="customer", title="iCharge",
                   icon="fa-bolt", url="/icharge/admin/customer", enabled=True),
    ]
