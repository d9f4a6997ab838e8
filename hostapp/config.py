"""Host configuration: ``SPLYNX_*`` environment variables over sane defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(f"SPLYNX_{name}", default)


@dataclass(frozen=True)
class HostConfig:
    """Every setting the host reads, with its ``SPLYNX_`` variable named in the README."""

    #: folder for the SQLite database, the encryption key and job logs
    instance_path: Path = field(default_factory=lambda: Path(_env("INSTANCE_PATH", "instance")).resolve())
    #: SQLAlchemy URL; SQLite in the instance folder when unset
    database_url: str = field(default_factory=lambda: _env("DATABASE_URL", ""))
    #: Flask session signing key; generated into the instance folder when unset
    session_secret: str = field(default_factory=lambda: _env("SESSION_SECRET", ""))
    #: Celery broker (redis:// or amqp://) for charge batches; in-process when empty
    broker_url: str = field(default_factory=lambda: _env("BROKER_URL", ""))
    #: put in front of every name the host uses on the broker (hosts or test runs sharing one broker)
    broker_prefix: str = field(default_factory=lambda: _env("BROKER_PREFIX", ""))
    #: charge batches: gateway requests in flight at most per batch, over all workers together
    charge_concurrency: int = field(default_factory=lambda: int(_env("CHARGE_CONCURRENCY", "8")))
    #: charge batches on Celery: how many workers may work one batch at once
    charge_lanes: int = field(default_factory=lambda: int(_env("CHARGE_LANES", "4")))
    #: charge batches: invoices per chunk (the unit a worker claims and hands to the gateway add-on)
    charge_chunk_size: int = field(default_factory=lambda: int(_env("CHARGE_CHUNK_SIZE", "100")))
    #: charge batches: seconds after which a silent worker's chunk is taken over by another
    charge_lease_seconds: int = field(default_factory=lambda: int(_env("CHARGE_LEASE_SECONDS", "30")))
    #: payment attempts: seconds between two sweeps of the reconciler (``splynx serve``, ``splynx worker``)
    reconcile_seconds: int = field(default_factory=lambda: int(_env("RECONCILE_SECONDS", "60")))
    #: payment attempts: seconds a *pending* attempt may wait for its gateway before the reconciler asks
    attempt_lease_seconds: int = field(default_factory=lambda: int(_env("ATTEMPT_LEASE_SECONDS", "300")))
    #: the public base URL of links the host hands out (direct payment links); the request's own
    #: address when unset (see :func:`core.web.public_url`)
    public_url: str = field(default_factory=lambda: _env("PUBLIC_URL", "").rstrip("/"))
    #: Font Awesome 4.7 (its css/ and fonts/ folders); found by itself when unset: the
    #: XStatic-Font-Awesome distribution (pip) or Debian's fonts-font-awesome
    font_awesome_dir: str = field(default_factory=lambda: _env("FONT_AWESOME_DIR", ""))
    #: e-mail: seconds before the first retry of a message the SMTP server refused for now (doubles each time)
    mail_retry_seconds: float = field(default_factory=lambda: float(_env("MAIL_RETRY_SECONDS", "60")))
    #: e-mail: the longest wait between two tries of one message, seconds
    mail_retry_max_seconds: float = field(default_factory=lambda: float(_env("MAIL_RETRY_MAX_SECONDS", "3600")))
    #: e-mail: tries of one message before it is marked failed (temporary errors only; 5xx fails at once)
    mail_max_attempts: int = field(default_factory=lambda: int(_env("MAIL_MAX_ATTEMPTS", "48")))
    #: e-mail: seconds between two sweeps of the outbox (``splynx serve``, ``splynx worker``)
    mail_poll_seconds: float = field(default_factory=lambda: float(_env("MAIL_POLL_SECONDS", "30")))
    #: e-mail: a CA bundle (PEM) trusted for the SMTP server's certificate besides the system's
    mail_ca_file: str = field(default_factory=lambda: _env("MAIL_CA_FILE", ""))
    #: currency symbol shown next to amounts
    currency: str = field(default_factory=lambda: _env("CURRENCY", "$"))
    #: rows per page in admin and portal tables
    page_size: int = field(default_factory=lambda: int(_env("PAGE_SIZE", "25")))
    #: where add-on packages come from: ``wheelhouse`` (pip) or ``apt`` (Debian, via the root helper)
    package_backend: str = field(default_factory=lambda: _env("PACKAGE_BACKEND", "wheelhouse"))
    #: the wheelhouse: a folder of add-on wheels or a simple index URL; ``<instance>/wheelhouse`` when unset
    wheelhouse: str = field(default_factory=lambda: _env("WHEELHOUSE", ""))
    #: the Python whose environment add-on wheels are installed into; the host's own when unset
    addon_python: str = field(default_factory=lambda: _env("ADDON_PYTHON", ""))
    #: the root helper of the apt backend: ``unix:`` and the add-on helper service's socket, or a command
    addon_helper: str = field(default_factory=lambda: _env("ADDON_HELPER", "unix:/run/splynx-addon-helper.sock"))

    #: a login ends this many hours after it started, whatever the activity
    session_hours: int = field(default_factory=lambda: int(_env("SESSION_HOURS", "12")))
    #: a login ends after this many minutes without a request
    session_idle_minutes: int = field(default_factory=lambda: int(_env("SESSION_IDLE_MINUTES", "60")))
    #: send the session cookie only over https: ``auto`` (when ``public_url`` is https), ``1`` or ``0``
    secure_cookies: str = field(default_factory=lambda: _env("SECURE_COOKIES", "auto"))
    #: where rate-limit counters live: ``memory://`` (one process) or ``redis://host:6379/0`` (every worker)
    ratelimit_storage_url: str = field(default_factory=lambda: _env("RATELIMIT_STORAGE_URL", "memory://"))

    #: proxies in front of the app trusted to pass on the client address and scheme (nginx: 1)
    proxy_count: int = field(default_factory=lambda: int(_env("PROXY_COUNT", "0")))

    @property
    def https(self) -> bool:
        """Whether the app is served over https (then cookies are ``Secure`` and HSTS is sent)."""
        if self.secure_cookies in ("0", "1"):
            return self.secure_cookies == "1"
        return self.public_url.startswith("https://")

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.instance_path / 'splynx.db'}"

    @property
    def wheelhouse_location(self) -> str:
        return self.wheelhouse or str(self.instance_path / "wheelhouse")
