"""The finance e-mail templates: the built-in texts, operators' versions, add-ons' templates.

A template's effective version for a partner is the partner's own, else the Default
partner's (both edited in *Config → Templates*), else the built-in text below or the one
the add-on gave through ``splynx_mail_templates``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.mail import EVENTS, MailTemplate

from ...models import MailTemplateRecord

_PAY_LINKS_HTML = """{% if pay_links %}
<p>Pay online in a minute, no login needed:</p>
<ul>{% for link in pay_links %}
  <li><a href="{{ link.url }}">{{ link.title }}</a> (valid until {{ link.expires.strftime('%Y-%m-%d') }})</li>
{% endfor %}</ul>{% endif %}"""

_PAY_LINKS_TEXT = """{% if pay_links %}
Pay online, no login needed:
{% for link in pay_links %}{{ link.title }}: {{ link.url }}
{% endfor %}{% endif %}"""

_ITEMS_HTML = """<table cellpadding="6" style="border-collapse:collapse">
<tr><th align="left">Description</th><th align="right">Qty</th><th align="right">Amount</th></tr>
{% for item in items %}<tr><td>{{ item.description }}</td><td align="right">{{ item.quantity }}</td>
<td align="right">{{ item.amount|money }}</td></tr>
{% endfor %}</table>"""

_ITEMS_TEXT = """{% for item in items %}- {{ item.description }}: {{ item.amount|money }}
{% endfor %}"""


def _document(label: str) -> MailTemplate:
    key = "invoice_new" if label == "invoice" else "proforma_new"
    return MailTemplate(
        key=key, title=EVENTS[key],
        subject=f"Your {label} {{{{ document.number }}}} of {{{{ document.total|money }}}}",
        html=f"""<p>Dear {{{{ customer.name }}}},</p>
<p>your {label} <b>{{{{ document.number }}}}</b> of {{{{ document.date_created }}}} is ready.
Amount due: <b>{{{{ amount_due }}}}</b>, payable by {{{{ document.date_till }}}}.</p>
{_ITEMS_HTML}
{_PAY_LINKS_HTML}
<p>You can also see it in your portal: <a href="{{{{ document.url }}}}">{{{{ document.url }}}}</a></p>
<p>Kind regards,<br>{{{{ company.name }}}}</p>""",
        text=f"""Dear {{{{ customer.name }}}},

your {label} {{{{ document.number }}}} of {{{{ document.date_created }}}} is ready.
Amount due: {{{{ amount_due }}}}, payable by {{{{ document.date_till }}}}.

{_ITEMS_TEXT}{_PAY_LINKS_TEXT}
Your portal: {{{{ document.url }}}}

Kind regards,
{{{{ company.name }}}}
""",
        description=f"Sent when a new {label} is issued, and by Send on the {label} list.")


BUILT_IN: dict[str, MailTemplate] = {t.key: t for t in (
    _document("invoice"),
    _document("proforma invoice"),
    MailTemplate(
        key="payment_received", title=EVENTS["payment_received"],
        subject="Payment received: {{ payment.amount|money }}",
        html="""<p>Dear {{ customer.name }},</p>
<p>thank you: we received your payment of <b>{{ payment.amount|money }}</b> on {{ payment.date }}
({{ payment.method }}, receipt {{ payment.receipt_number }}).</p>
{% if document %}<p>It paid {{ document.label|lower }} {{ document.number }}; left to pay: {{ amount_due }}.</p>{% endif %}
<p>Your balance is now {{ customer.balance|money }}.</p>
<p>Kind regards,<br>{{ company.name }}</p>""",
        text="""Dear {{ customer.name }},

thank you: we received your payment of {{ payment.amount|money }} on {{ payment.date }}
({{ payment.method }}, receipt {{ payment.receipt_number }}).
{% if document %}It paid {{ document.label|lower }} {{ document.number }}; left to pay: {{ amount_due }}.
{% endif %}
Your balance is now {{ customer.balance|money }}.

Kind regards,
{{ company.name }}
""",
        description="Sent when a charge batch books a payment, and on request."),
    MailTemplate(
        key="refund_made", title=EVENTS["refund_made"],
        subject="Refund of {{ payment.amount|abs|money }}",
        html="""<p>Dear {{ customer.name }},</p>
<p>we refunded <b>{{ payment.amount|abs|money }}</b> to your {{ payment.method }} on {{ payment.date }}.</p>
<p>Kind regards,<br>{{ company.name }}</p>""",
        text="""Dear {{ customer.name }},

we refunded {{ payment.amount|abs|money }} to your {{ payment.method }} on {{ payment.date }}.

Kind regards,
{{ company.name }}
""",
        description="Sent on request after a refund."),
    MailTemplate(
        key="payment_failed", title=EVENTS["payment_failed"],
        subject="We could not charge {{ document.label|lower }} {{ document.number }}",
        html="""<p>Dear {{ customer.name }},</p>
<p>we tried to charge your saved payment account for {{ document.label|lower }} <b>{{ document.number }}</b>
({{ amount_due }}), but the payment was declined: {{ reason }}.</p>
{{ pay_links_html }}
<p>Kind regards,<br>{{ company.name }}</p>""".replace("{{ pay_links_html }}", _PAY_LINKS_HTML),
        text="""Dear {{ customer.name }},

we tried to charge your saved payment account for {{ document.label|lower }} {{ document.number }}
({{ amount_due }}), but the payment was declined: {{ reason }}.
{{ pay_links_text }}
Kind regards,
{{ company.name }}
""".replace("{{ pay_links_text }}", _PAY_LINKS_TEXT),
        description="Sent when a charge batch's payment of an invoice is declined."),
)}


class Templates:
    """Every template the host knows (built-in and add-ons') and the operators' versions of them."""

    def __init__(self, host) -> None:
        self.host = host

    def available(self) -> dict[str, MailTemplate]:
        """Built-in templates, then each loaded add-on's, by key (an add-on cannot replace a built-in)."""
        found = dict(BUILT_IN)
        for addon_id in self.host.addons.hooks.implementers("splynx_mail_templates"):
            for template in self.host.addons.hooks.mail_templates(addon_id):
                found.setdefault(template.key, template)
        return found

    def stored(self, session: Session, key: str, partner_id: int) -> MailTemplateRecord | None:
        return session.execute(select(MailTemplateRecord).where(
            MailTemplateRecord.key == key, MailTemplateRecord.partner_id == partner_id)).scalar_one_or_none()

    def effective(self, session: Session, key: str, partner_id: int | None) -> MailTemplate | None:
        """The version a message for ``partner_id`` uses, or ``None`` for an unknown key."""
        base = self.available().get(key)
        if base is None:
            return None
        for layer in ([partner_id] if partner_id else []) + [0]:
            row = self.stored(session, key, layer)
            if row is not None:
                return MailTemplate(key, base.title, row.subject, row.html, row.text, base.description)
        return base
