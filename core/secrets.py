"""Encryption at rest for secret settings (terminal ids, API keys, passwords).

Values are sealed with Fernet (AES-128-CBC + HMAC-SHA256). The key comes from
``SPLYNX_SECRET_KEY`` (a Fernet key) or from ``secret.key`` in the instance folder, created
with mode 0600 on first use.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

#: what logs and config views show instead of a secret value
REDACTED = "••••••"


class SecretError(RuntimeError):
    """A stored secret cannot be decrypted (wrong or rotated key)."""


class SecretBox:
    """Seals and opens secret values with one Fernet key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @classmethod
    def from_environment(cls, instance_path: str | os.PathLike) -> "SecretBox":
        """Key from ``SPLYNX_SECRET_KEY``, else ``<instance>/secret.key`` (created if missing)."""
        env_key = os.environ.get("SPLYNX_SECRET_KEY")
        if env_key:
            return cls(env_key.encode())
        path = Path(instance_path) / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
        return cls(path.read_bytes().strip())

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise SecretError("a stored secret cannot be decrypted with the current key") from exc
