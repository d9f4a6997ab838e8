"""The add-on's settings (Config → Integrations → Modules list → IntentPay) and their typed view."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from core.host import Host
from core.settings import Field, FieldType, Section, SettingsSchema

ADDON_ID = "intentpay"

#: the payment method (Config → Finance → Payment methods) the payments are booked under
METHOD = "IntentPay"

SETTINGS = SettingsSchema((
    Section("gateway", "Gateway", (
        Field("gateway_url", "Gateway URL", FieldType.URL, default="http://127.0.0.1:8099/v1", required=True,
              description="The gateway's API address (the simulator: python -m splynx_intentpay.simulator)."),
        Field("api_key", "API key", FieldType.SECRET, description="Stored encrypted; never shown again."),
        Field("currency", "Currency", FieldType.TEXT, default="USD", required=True),
        Field("connect_timeout", "Connect time-out, seconds", FieldType.NUMBER, default=5, min_value=1,
              max_value=60, required=True),
        Field("read_timeout", "Read time-out, seconds", FieldType.NUMBER, default=30, min_value=1, max_value=120,
              required=True),
    )),
))


@dataclass(frozen=True)
class GatewaySettings:
    """The typed settings the client, the money hooks and the shared pages use.

    No service fee yet: :func:`core.gateway.settings.fee_fields` adds the setting when wanted.
    """

    url: str
    api_key: str
    currency: str
    connect_timeout: float
    read_timeout: float
    method: str = METHOD
    fee_percent: Decimal = Decimal("0")
    direct_link_days: int = 30

    @property
    def configured(self) -> bool:
        return bool(self.api_key)

    def fee(self, amount: Decimal) -> Decimal:
        return Decimal("0.00")

    def allows(self, kind: str) -> bool:
        """Cards are the only account type."""
        return kind == "card"


def load_settings(host: Host, session: Session, partner_id: int | None = None) -> GatewaySettings:
    """The stored values (partner override, else default) as :class:`GatewaySettings`."""
    v = host.settings.values(session, ADDON_ID, SETTINGS, partner_id)
    return GatewaySettings(url=(v.get("gateway_url") or "").rstrip("/"), api_key=v.get("api_key") or "",
                           currency=v.get("currency") or "USD", connect_timeout=float(v.get("connect_timeout") or 5),
                           read_timeout=float(v.get("read_timeout") or 30))

