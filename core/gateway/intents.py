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

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from ..secrets import instance_key

KEY_FILE = "form-intents.key"
#: the form field that carries the key
FIELD = "intent"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$")


class IntentKeys:
    """Issues and verifies intent keys with one secret."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("an intent key needs at least 32 bytes")
        self._key = key

    @classmethod
    def for_instance(cls, instance_path: Path) -> "IntentKeys":
        """The signer of a host: ``SPLYNX_INTENT_KEY`` or the key file in its instance folder."""
        env_key = os.environ.get("SPLYNX_INTENT_KEY")
        if env_key:
            return cls(env_key.encode())
        return cls(instance_key(Path(instance_path) / KEY_FILE, lambda: secrets.token_hex(32).encode()))

    def _sign(self, purpose: str, subject: int | str, nonce: str) -> str:
        digest = hmac.new(self._key, f"{purpose}:{subject}:{nonce}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

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
