"""The host's own secrets: encryption at rest for secret settings, and signing keys.

Secret settings (terminal ids, API keys, passwords) are sealed with Fernet (AES-128-CBC +
HMAC-SHA256). The key comes from ``SPLYNX_SECRET_KEY`` (a Fernet key) or from ``secret.key``
in the instance folder, created with mode 0600 on first use. Its form is checked when the box
is made (at start-up); ``cryptography`` is imported with the first value sealed or opened. :class:`InstanceSigner` is the
same rule for the HMAC keys that sign direct links and form intents.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

#: what logs and config views show instead of a secret value
REDACTED = "••••••"


class SecretError(RuntimeError):
    """A stored secret cannot be decrypted (wrong or rotated key)."""


def instance_key(path: Path, generate: Callable[[], bytes]) -> bytes:
    """The key stored at ``path``, created (mode 0600) with ``generate()`` on first use.

    Creation is atomic: the key is written to a temporary file and linked into place, so
    several processes starting at once all end up reading the same complete key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(generate())
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race; its key is the one
        finally:
            os.unlink(temporary)
    return path.read_bytes().strip()


def _new_fernet_key() -> bytes:
    """A new random Fernet key (for a new instance folder)."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key()


class SecretBox:
    """Seals and opens secret values with one Fernet key.

    A key that is not 32 URL-safe base64-encoded bytes is refused here, as Fernet refuses it;
    the Fernet itself is made when the first value is sealed or opened.
    """

    def __init__(self, key: bytes) -> None:
        try:
            raw = base64.urlsafe_b64decode(key)
        except ValueError as exc:
            raise ValueError("Fernet key must be 32 url-safe base64-encoded bytes.") from exc
        if len(raw) != 32:
            raise ValueError("Fernet key must be 32 url-safe base64-encoded bytes.")
        self._key = key

    @classmethod
    def from_environment(cls, instance_path: str | os.PathLike) -> "SecretBox":
        """Key from ``SPLYNX_SECRET_KEY``, else ``<instance>/secret.key`` (created if missing)."""
        env_key = os.environ.get("SPLYNX_SECRET_KEY")
        if env_key:
            return cls(env_key.encode())
        return cls(instance_key(Path(instance_path) / "secret.key", _new_fernet_key))

    @cached_property
    def _fernet(self) -> "Fernet":
        from cryptography.fernet import Fernet

        return Fernet(self._key)

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, token: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise SecretError("a stored secret cannot be decrypted with the current key") from exc


class InstanceSigner:
    """HMAC-SHA256 signatures with one secret of at least 32 bytes.

    A subclass names where its secret lives: the environment variable :attr:`ENV_VAR`, else the
    file :attr:`KEY_FILE` in the instance folder (created with a random key on first use).
    """

    #: the environment variable that may hold the secret
    ENV_VAR: str
    #: the file in the instance folder that holds it otherwise
    KEY_FILE: str

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError(f"{type(self).__name__} needs a key of at least 32 bytes")
        self._key = key

    @classmethod
    def for_instance(cls, instance_path: str | os.PathLike):
        """The signer of a host: the secret from :attr:`ENV_VAR` or from the key file in its instance folder."""
        env_key = os.environ.get(cls.ENV_VAR)
        if env_key:
            return cls(env_key.encode())
        return cls(instance_key(Path(instance_path) / cls.KEY_FILE, lambda: secrets.token_hex(32).encode()))

    def _mac(self, message: str) -> str:
        """The URL-safe base64 HMAC-SHA256 of ``message`` (43 characters, no padding)."""
        digest = hmac.new(self._key, message.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
