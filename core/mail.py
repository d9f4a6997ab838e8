"""E-mail for add-ons: templates they add and variables they put into the host's e-mails.

The host sends the finance e-mails (new invoice, new proforma, payment received, refund
made, payment failed in a charge batch) from templates an operator edits in *Config →
Templates*. Two hooks let an add-on take part (see :mod:`core.hookspecs`):

* ``splynx_mail_templates`` adds templates of its own (a :class:`MailTemplate` each);
* ``splynx_mail_variables`` adds variables to an e-mail being rendered (a
  :class:`MailVariables`): ``pay_links`` from every gateway add-on are gathered into the
  template's ``pay_links`` list, other ``values`` appear under ``addons.<add-on id>``.

Templates run in Jinja's sandbox: they read the variables documented in
:data:`TEMPLATE_VARIABLES` and cannot reach anything else of the host.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: the events the host sends e-mails for, each the key of its template
EVENTS = {
    "invoice_new": "New invoice",
    "proforma_new": "New proforma invoice",
    "payment_received": "Payment received",
    "refund_made": "Refund made",
    "payment_failed": "Payment failed in a charge batch",
}

#: the variables every finance template may use, with what each holds (shown on the template page;
#: each entry of ``pay_links`` is a :class:`PayLink`)
TEMPLATE_VARIABLES = {
    "customer": "the customer: id, login, name, email, phone, street, zip_code, city, balance, partner (name)",
    "document": "the invoice or proforma invoice (or none): kind, label, number, date_created, date_till, "
                "total, due, status, url (its page in the customer portal)",
    "items": "the document's lines: description, quantity, unit, price, tax, amount, period_from, period_to",
    "amount_due": "what is left to pay of the document, formatted with the currency (\"30.00 $\")",
    "payment": "the payment or refund (or none): receipt_number, date, amount, method, comment",
    "reason": "why a charge failed (the gateway's answer), for “Payment failed in a charge batch”",
    "pay_links": "one signed direct payment link per enabled gateway add-on: gateway, title, url, expires; "
                 "the link offers the customer's saved cards and accounts",
    "company": "the sender: name and email from Config → Main → Email",
    "portal_url": "the customer portal's address",
    "currency": "the currency sign",
    "addons": "variables add-ons added, by add-on id (addons.ippay.…)",
}


@dataclass(frozen=True)
class PayLink:
    """One signed direct payment link, as a gateway add-on offers it in an e-mail."""

    #: the add-on id (``ippay``)
    gateway: str
    #: what the link says, such as "Pay with IPpay"
    title: str
    #: the full signed URL (``.../direct-pay-invoice-by-id?item_id=..&expires=..&sig=..``)
    url: str
    #: when the signature runs out (UTC)
    expires: datetime

    def __str__(self) -> str:
        return self.url


@dataclass(frozen=True)
class MailVariables:
    """What one add-on adds to an e-mail: payment links and variables of its own."""

    pay_links: tuple[PayLink, ...] = ()
    #: shown to the template as ``addons.<add-on id>.<name>``
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MailTemplate:
    """A template an add-on adds to *Config → Templates* (operators may edit it there)."""

    #: unique among all templates; prefix it with the add-on id (``ippay_card_expiring``)
    key: str
    title: str
    subject: str
    html: str
    #: the plain-text part; generated from ``html`` when empty
    text: str = ""
    description: str = ""
