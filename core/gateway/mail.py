"""A gateway add-on's part in the host's e-mails: one signed direct payment link per document.

A gateway add-on answers ``splynx_mail_variables`` with :meth:`GatewayMail.variables`; the
admin pay modal shows links from the same :func:`signed_document_url`, so an e-mail and the
modal hand out the same kind of link: signed by the host for one document, valid for the
add-on's *Direct payment links valid for, days* setting, offering the customer's saved
credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlencode

from ..host import Host
from ..mail import MailVariables, PayLink
from ..web.addresses import public_url


def signed_document_url(host: Host, prefix: str, kind: str, document, *, days: int,
                        by: str = "id") -> tuple[str, datetime]:
    """The signed direct payment link of ``document`` under ``prefix`` and when it expires (UTC).

    ``by`` is ``"id"`` (``direct-pay-invoice-by-id?item_id=<id>``) or ``"number"``
    (``direct-pay-invoice?item_id=<number>``); both verify against the document's id.
    """
    signed = host.direct_links.sign(kind, document.id, days=days)
    path, item = (f"direct-pay-{kind}-by-id", document.id) if by == "id" else (f"direct-pay-{kind}", document.number)
    url = f"{public_url(host)}{prefix}/{path}?{urlencode({'item_id': item, **signed})}"
    return url, datetime.fromtimestamp(int(signed["expires"]), timezone.utc)


@dataclass(frozen=True)
class GatewayMail:
    """What one gateway add-on adds to e-mails: "Pay with <title>" for a payable document."""

    #: the add-on id (``ippay``)
    gateway: str
    #: the URL prefix its direct links live under (``/ippay``)
    prefix: str
    #: the link's text (``Pay with IPpay``)
    title: str
    #: ``load_settings(host, session, partner_id)`` → settings with ``direct_link_days``
    load_settings: object

    def variables(self, host: Host, customer, document) -> MailVariables | None:
        """The document's pay link, or ``None`` when there is nothing to pay."""
        if document is None or not document.is_payable:
            return None
        with host.db.reading() as session:
            days = self.load_settings(host, session, customer.partner_id).direct_link_days
        url, expires = signed_document_url(host, self.prefix, document.kind, document, days=days)
        return MailVariables(pay_links=(PayLink(self.gateway, self.title, url, expires),))
