"""Direct payment links: pay an invoice or proforma without logging in.

``/ippay/direct-pay-invoice?item_id=<number>``, ``/ippay/direct-pay-invoice-by-id?item_id=<id>``
and the ``-proforma`` variants show the amount due and take card or bank details. The
customer's *saved* credentials are offered only when the link carries a valid signature
the host issued (:mod:`core.gateway.links`); the signature is checked again on
submit, so a stranger with an invoice number can only pay with details of their own.
"""

from __future__ import annotations

from core.gateway.pages import register_direct_links

from ..forms import BANK_ACCOUNT_TYPES
from . import bp
from .paying import PAGES

register_direct_links(bp, PAGES, "ippay/direct_pay.html", methods=("card", "bank"), bank_types=BANK_ACCOUNT_TYPES)
