"""Signed one-time intent keys: one form that can move money is one payment attempt.

A page that renders a top-up, pay or refund form puts a fresh key into it
(:meth:`IntentKeys.issue`); the view verifies the posted key (:meth:`IntentKeys.verify`) and
hands its nonce to the host's payment service as ``intent``. The service stores the nonce on
the attempt under a unique constraint, so a double click, twenty parallel posts or a browser
refresh of one form map to the one attempt the first post made, and move money once.

A key is ``<nonce>.<signature>``: 16 random bytes (URL-safe base64) and an HMAC-SHA256 of
``purpose:subject:nonce`` with a key kept in the instance folder (``form-intents.key``,
or ``SPLYNX_INTENT_KEY``). The signature binds the key to what the form is for (``refill``,
``refund``) and to whom (the customer or payment id), so a key from one form is useless in
another.
"""

from __future__ import annotations

import hmac
import re
import secrets

from ..secrets import InstanceSigner

#: the form field that carries the key
FIELD = "intent"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$")


class IntentKeys(InstanceSigner):
    """Issues and verifies intent keys with one secret."""

    ENV_VAR = "SPLYNX_INTENT_KEY"
    KEY_FILE = "form-intents.key"

    def _sign(self, purpose: str, subject: int | str, nonce: str) -> str:
        return self._mac(f"{purpose}:{subject}:{nonce}")

    def issue(self, purpose: str, subject: int | str) -> str:
        """A fresh key for one form of ``purpose`` about ``subject`` (a customer or payment id)."""
        nonce = secrets.token_urlsafe(16)
        return f"{nonce}.{self._sign(purpose, subject, nonce)}"

    def verify(self, key: str | None, purpose: str, subject: int | str) -> str | None:
        """The key's nonce (what the payment service stores) if this host issued it for this form, else ``None``."""
        if not key or not _SHAPE.match(key):
            return None
        nonce, signature = key.split(".")
        return nonce if hmac.compare_digest(self._sign(purpose, subject, nonce), signature) else None
