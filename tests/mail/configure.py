"""Storing the host's e-mail settings in tests, as Config → Main → Email does."""

from __future__ import annotations

from hostapp.services.mail.settings import NAMESPACE, SETTINGS
from hostapp.services.settings_store import SettingsStore


def configure_mail(host, port: int, *, partner_id: int = 0, **values) -> None:
    """Store e-mail settings as Config → Main → Email would (the password sealed)."""
    raw = {"smtp_host": "127.0.0.1", "smtp_port": str(port), "smtp_security": "none", "sender_name": "Billing",
           "sender_address": "billing@isp.example", "smtp_timeout": "5", **values}
    with host.db.transaction() as session:
        store = SettingsStore(session, host.box)
        result = store.validate(NAMESPACE, SETTINGS, raw, partner_id, keys=set(raw))
        assert result.ok, result.errors
        store.save(NAMESPACE, SETTINGS, result.values, actor="test", partner_id=partner_id)
