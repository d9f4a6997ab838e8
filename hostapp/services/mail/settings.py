"""Config → Main → Email: the SMTP server, the sender and when mail goes out by itself.

Stored like an add-on's settings (``module_settings`` under the namespace ``host.mail``): per
partner with the Default partner underneath, the password sealed with the host's secret
box and never shown again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.secrets import SecretBox
from core.settings import Field, FieldType, Section, SettingsSchema

from ...models import ModuleSetting
from ..settings_store import DEFAULT_PARTNER, SettingsStore

#: the settings namespace of the host's e-mail in ``module_settings``; the dot keeps it apart
#: from every add-on id (ids are lower-case letters, digits and underscores)
NAMESPACE = "host.mail"
SECURITY = (("none", "None (plain SMTP)"), ("starttls", "STARTTLS"), ("tls", "SSL/TLS"))

SETTINGS = SettingsSchema((
    Section("smtp", "SMTP server", (
        Field("smtp_host", "SMTP host", FieldType.TEXT, description="Your mail server, such as mail.example.net."),
        Field("smtp_port", "SMTP port", FieldType.NUMBER, default=25, min_value=1, max_value=65535,
              description="25 or 587 for STARTTLS, 465 for SSL/TLS."),
        Field("smtp_security", "Security", FieldType.SELECT, default="none", choices=SECURITY, required=True),
        Field("smtp_login", "Login", FieldType.TEXT, description="Leave empty if the server needs no login."),
        Field("smtp_password", "Password", FieldType.SECRET),
        Field("smtp_timeout", "Timeout, seconds", FieldType.NUMBER, default=30, min_value=1, max_value=300),
        Field("sender_name", "Sender name", FieldType.TEXT, default="Billing"),
        Field("sender_address", "Sender e-mail", FieldType.TEXT,
              description="The From address, such as billing@example.net."),
    ), per_partner=True, description="A partner may send through its own server and address."),
    Section("sending", "Automatic sending", (
        Field("send_on_invoice", "Send the new invoice when an invoice is issued", FieldType.TOGGLE, default=True),
        Field("send_on_charge", "Send “payment received” or “payment failed” when a charge batch books or declines "
              "an invoice", FieldType.TOGGLE, default=True),
        Field("send_on_payment", "Send “payment received” for other gateway payments (portal, direct links)",
              FieldType.TOGGLE, default=False),
        Field("send_on_refund", "Send “refund made” when a refund is booked", FieldType.TOGGLE, default=False),
    ), per_partner=True),
))


@dataclass(frozen=True)
class MailSettings:
    """The effective e-mail settings of one partner."""

    host: str
    port: int
    security: str
    login: str
    password: str
    timeout: int
    sender_name: str
    sender_address: str

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender_address)


def load(session: Session, box: SecretBox, partner_id: int | None) -> MailSettings:
    """The settings ``partner_id`` sends with (its own, else the Default partner's, else the defaults)."""
    values = SettingsStore(session, box).values(NAMESPACE, SETTINGS, partner_id)
    return MailSettings(
        host=values["smtp_host"] or "", port=int(values["smtp_port"] or 25), security=values["smtp_security"],
        login=values["smtp_login"] or "", password=values["smtp_password"] or "",
        timeout=int(values["smtp_timeout"] or 30), sender_name=values["sender_name"] or "",
        sender_address=values["sender_address"] or "")


def automatic(session: Session, key: str, partner_id: int) -> bool:
    """Whether a partner sends one kind of automatic message (read without opening any secret).

    Both the toggle ``key`` and the e-mail settings themselves are needed: a host whose
    e-mail is not set up yet queues no automatic messages (that would send a backlog of old
    invoices the day the SMTP server is entered).
    """
    keys = (key, "smtp_host", "sender_address")
    rows = session.execute(select(ModuleSetting.partner_id, ModuleSetting.key, ModuleSetting.value).where(
        ModuleSetting.addon_id == NAMESPACE, ModuleSetting.key.in_(keys),
        ModuleSetting.partner_id.in_((DEFAULT_PARTNER, partner_id)))).all()
    layered = {k: v for _, k, v in sorted(rows, key=lambda row: row[0] == partner_id and partner_id != 0)}
    values = {k: SETTINGS.field(k).default if k not in layered else json.loads(layered[k]) for k in keys}
    return bool(values[key] and values["smtp_host"] and values["sender_address"])
