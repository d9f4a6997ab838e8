"""Direct payment links: pay an invoice or proforma without logging in.

``/icharge/direct-pay-invoice?item_id=<number>``, ``/icharge/direct-pay-invoice-by-id?item_id=<id>``
and the ``-proforma`` variants show the amount due and take a card. The customer's *saved*
cards are offered only when the link carries a valid signature the host issued
(:mod:`core.gateway.links`); the signature is checked again on submit, so a
stranger with an invoice number can only pay with a card of their own, and it is never kept.
"""

from __future__ import annotations

from core.gateway.pages import register_direct_links

from . import bp
from .paying import PAGES

register_direct_links(bp, PAGES, "icharge/direct_pay.html", methods=("card",))
