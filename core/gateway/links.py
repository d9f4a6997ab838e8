"""Signed direct payment links: proof that the host issued a link for one document.

Payment add-ons serve ``/<prefix>/direct-pay-invoice?item_id=...`` without a login. Anyone
may open such a link and pay with details they type. Only a link the host signed (for an
invoice e-mail or template) may use the customer's *saved* credentials, so a stranger who
guesses an invoice number can never charge someone's card.

The signature is an HMAC-SHA256 over ``kind:document id:expiry`` with a key kept in the
instance folder (``direct-links.key``, created with mode 0600 on first use, or
``SPLYNX_DIRECT_LINK_KEY``). Links carry ``expires`` (a Unix time) and ``sig``; both
by-number and by-id links verify against the document's id. :func:`mask_signatures` shortens the
signatures in text that is shown or logged.
"""

from __future__ import annotations

import hmac
import re
import time
from urllib.parse import urlencode

from ..secrets import InstanceSigner
from ..inputs import ascii_digits

KINDS = ("invoice", "proforma")
#: the query parameters that make a link trusted (masked wherever URLs are logged)
QUERY_FIELDS = ("expires", "sig")


class DirectLinks(InstanceSigner):
    """Signs and verifies direct payment links with one secret key."""

    ENV_VAR = "SPLYNX_DIRECT_LINK_KEY"
    KEY_FILE = "direct-links.key"

    def signature(self, kind: str, document_id: int, expires: int) -> str:
        """The signature of a link to document ``document_id`` of ``kind`` that expires at ``expires``."""
        if kind not in KINDS:
            raise ValueError(f"unknown document kind {kind!r}")
        return self._mac(f"{kind}:{int(document_id)}:{int(expires)}")

    def sign(self, kind: str, document_id: int, *, days: int = 30, now: float | None = None) -> dict[str, str]:
        """Query parameters (``expires``, ``sig``) that make a link trusted for ``days``."""
        expires = int((now if now is not None else time.time()) + days * 86400)
        return {"expires": str(expires), "sig": self.signature(kind, document_id, expires)}

    def url(self, base: str, kind: str, document_id: int, item_id: str | int, *, days: int = 30) -> str:
        """``base?item_id=..&expires=..&sig=..`` (``item_id`` is the number or the id ``base`` expects)."""
        return f"{base}?{urlencode({'item_id': item_id, **self.sign(kind, document_id, days=days)})}"

    def verify(self, kind: str, document_id: int, expires: str | None, sig: str | None,
               now: float | None = None) -> bool:
        """True when ``sig`` was issued for this document and ``expires`` has not passed."""
        expires = ascii_digits(expires, max_length=12)
        if expires is None or not isinstance(sig, str) or not sig.isascii():
            return False
        if int(expires) < (now if now is not None else time.time()):
            return False
        return hmac.compare_digest(self.signature(kind, document_id, int(expires)).encode(), sig.encode())


_SIGNATURE = re.compile(r"(\bsig=)([A-Za-z0-9_-]{4})[A-Za-z0-9_-]*")


def mask_signatures(text: str) -> str:
    """``text`` with every link signature cut to its first four characters (``sig=AbCd…``).

    Logs and the e-mail log show messages this way: a reader sees which link was sent, but
    cannot use it to pay with the customer's saved card.
    """
    return _SIGNATURE.sub(r"\1\2…", text)
