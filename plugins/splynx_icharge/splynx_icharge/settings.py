"""The add-on's settings (Modules list form) and their typed, per-partner reading."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from core.gateway.settings import change_method_field, direct_link_field, fee_fields, service_fee, timeout_fields
from core.settings import Field, FieldType, Section, SettingsSchema, UrlRule
from core.host import Host

from .server_ip import server_ip_text

ADDON_ID = "icharge"
#: base URLs of the proposal (placeholders until Xilo publishes xServ's; the demo and the
#: tests set a Gateway URL pointing at the simulator)
TEST_URL = "https://xserv-test.xilo.com/api/v1"
LIVE_URL = "https://xserv.xilo.com/api/v1"
#: the payment method the add-on creates (Config → Finance → Payment methods) and falls back to
CARD_METHOD = "iCharge credit card"
ACCOUNT_TYPES = (("card", "Credit card"),)
CURRENCIES = (("AUD", "AUD, Australian dollar"), ("NZD", "NZD, New Zealand dollar"), ("USD", "USD, US dollar"),
              ("GBP", "GBP, Pound sterling"), ("EUR", "EUR, Euro"))

#: the Gateway URL: https (plain http only to the simulators on loopback); the credentials sent
#: there must be typed again when it moves to another host
GATEWAY_URL_RULE = UrlRule(secrets=("api_key",))

SETTINGS = SettingsSchema((
    Section("gateway", "Xilo iCharge xServ", (
        Field("merchant_id", "Merchant ID", FieldType.TEXT, required=True,
              description="Your Xilo merchant ID (a Sub Merchant uses its own), as shown in PayManager."),
        Field("api_key", "API key", FieldType.SECRET, required=True,
              description="The xServ API key of the merchant account; stored encrypted, never shown again."),
        Field("mode", "Mode", FieldType.SELECT, default="test", required=True,
              choices=(("test", "Test (no bank connection, dummy cards)"), ("live", "Live"))),
        Field("gateway_url", "Gateway URL", FieldType.URL, url_rule=GATEWAY_URL_RULE,
              description=f"Leave empty to use xServ's URL for the mode ({TEST_URL} or {LIVE_URL}). "
                          "An https:// address; a new host needs the API key typed again."),
        Field("server_ip", "Server IP address", FieldType.INFO, default=server_ip_text,
              description="Xilo takes requests only from the IP addresses listed in your xServ settings: "
                          "add this one there (log in to PayManager → xServ settings)."),
        Field("currency", "Currency", FieldType.SELECT, default="AUD", required=True, choices=CURRENCIES,
              description="The merchant account's currency; amounts are sent in its minor units (cents)."),
    ), per_partner=True, description="Merchant credentials and gateway address; a partner may use its own "
                                     "Sub Merchant account."),
    Section("payments", "Payments", (
        Field("payment_method", "Payment method", FieldType.SELECT, choices="payment_methods",
              description=f"Stamped on iCharge payments; “{CARD_METHOD}” when empty."),
        change_method_field(), *fee_fields(), direct_link_field(),
    )),
    Section("advanced", "Advanced", timeout_fields("xServ", "TransactionStatus (by its reference)")),
))


@dataclass(frozen=True)
class IchargeSettings:
    """Effective settings for one partner, with relation ids resolved to names."""

    merchant_id: str
    api_key: str
    url: str
    currency: str
    method: str
    change_payment_method: bool
    fee_percent: Decimal
    fee_category: str
    direct_link_days: int
    connect_timeout: float
    read_timeout: float

    @property
    def configured(self) -> bool:
        return bool(self.merchant_id and self.api_key)

    def fee(self, amount: Decimal) -> Decimal:
        """The service fee on ``amount``, rounded half up to the cent."""
        return service_fee(amount, self.fee_percent)

    @staticmethod
    def allows(kind: str) -> bool:
        """iCharge takes cards only (Xilo's Card Store keeps no bank accounts)."""
        return kind == "card"


def load_settings(host: Host, session: Session, partner_id: int | None) -> IchargeSettings:
    """Read the stored values (partner override, else default) into :class:`IchargeSettings`."""
    v = host.settings.values(session, ADDON_ID, SETTINGS, partner_id)
    url = v.get("gateway_url") or (LIVE_URL if v.get("mode") == "live" else TEST_URL)
    return IchargeSettings(
        merchant_id=v.get("merchant_id") or "", api_key=v.get("api_key") or "", url=url,
        currency=v.get("currency") or "AUD",
        method=host.settings.choice_name(session, "payment_methods", v.get("payment_method"), CARD_METHOD),
        change_payment_method=bool(v.get("change_payment_method")),
        fee_percent=Decimal(v.get("fee_percent") or 0),
        fee_category=host.settings.choice_name(session, "transaction_categories", v.get("fee_category"), "Service"),
        direct_link_days=int(v.get("direct_link_days") or 30),
        connect_timeout=float(v.get("connect_timeout") or 5), read_timeout=float(v.get("read_timeout") or 60),
    )
