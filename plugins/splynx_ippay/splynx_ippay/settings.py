"""The add-on's settings (Modules list form) and their typed, per-partner reading."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from core.gateway.settings import change_method_field, direct_link_field, fee_fields, service_fee, timeout_fields
from core.settings import Field, FieldType, Section, SettingsSchema, UrlRule
from core.host import Host

ADDON_ID = "ippay"
TEST_URL = "https://testgtwy.ippay.com/ippay"
LIVE_URL = "https://gtwy.ippay.com/ippay"
#: payment methods the add-on creates (Config → Finance → Payment methods) and falls back to
CARD_METHOD, BANK_METHOD = "IPpay credit card", "IPpay bank account"
ACCOUNT_TYPES = (("card", "Credit card"), ("bank", "Bank account"))

#: the Gateway URL: https (plain http only to the simulators on loopback); the credentials sent
#: there must be typed again when it moves to another host
GATEWAY_URL_RULE = UrlRule(secrets=("terminal_id", "password"))

SETTINGS = SettingsSchema((
    Section("gateway", "IPpay gateway", (
        Field("terminal_id", "Terminal ID", FieldType.SECRET, required=True,
              description="Issued by IPpay for your merchant account (TESTTERMINAL on the test system)."),
        Field("password", "Password", FieldType.SECRET,
              description="Only if IPpay arranged a password for your terminal; leave empty otherwise."),
        Field("mode", "Mode", FieldType.SELECT, default="test", required=True,
              choices=(("test", "Test (testgtwy.ippay.com)"), ("live", "Live (gtwy.ippay.com)"))),
        Field("gateway_url", "Gateway URL", FieldType.URL, url_rule=GATEWAY_URL_RULE,
              description="Leave empty to use IPpay's URL for the mode. An https:// address; a new host "
                          "needs the Terminal ID (and password) typed again. IPpay accepts requests only "
                          "from allowlisted addresses: give them this server's public IP address."),
        Field("ach_sec", "ACH SEC code", FieldType.SELECT, default="WEB", required=True,
              choices=(("WEB", "WEB (authorised on the internet)"), ("PPD", "PPD (signed authorisation)"),
                       ("CCD", "CCD (business accounts)"))),
    ), per_partner=True, description="Credentials and gateway address; a partner may use its own terminal."),
    Section("payments", "Payments", (
        Field("card_payment_method", "Credit card payment method", FieldType.SELECT, choices="payment_methods",
              description=f"Stamped on card payments; “{CARD_METHOD}” when empty."),
        Field("bank_payment_method", "Bank account payment method", FieldType.SELECT, choices="payment_methods",
              description=f"Stamped on bank account (ACH) payments; “{BANK_METHOD}” when empty."),
        Field("account_types", "Available payment types", FieldType.MULTI_SELECT, default=["card", "bank"],
              choices=ACCOUNT_TYPES, required=True),
        change_method_field(), *fee_fields(), direct_link_field(),
    )),
    Section("advanced", "Advanced", timeout_fields("IPpay", "ENQ")),
))


@dataclass(frozen=True)
class IppaySettings:
    """Effective settings for one partner, with relation ids resolved to names."""

    terminal_id: str
    password: str
    url: str
    ach_sec: str
    card_method: str
    bank_method: str
    account_types: tuple[str, ...]
    change_payment_method: bool
    fee_percent: Decimal
    fee_category: str
    direct_link_days: int
    connect_timeout: float
    read_timeout: float

    @property
    def configured(self) -> bool:
        return bool(self.terminal_id)

    def fee(self, amount: Decimal) -> Decimal:
        """The service fee on ``amount``, rounded half up to the cent."""
        return service_fee(amount, self.fee_percent)

    def method_for(self, kind: str) -> str:
        return self.bank_method if kind == "bank" else self.card_method

    def allows(self, kind: str) -> bool:
        return kind in self.account_types


def load_settings(host: Host, session: Session, partner_id: int | None) -> IppaySettings:
    """Read the stored values (partner override, else default) into :class:`IppaySettings`."""
    v = host.settings.values(session, ADDON_ID, SETTINGS, partner_id)
    url = v.get("gateway_url") or (LIVE_URL if v.get("mode") == "live" else TEST_URL)
    return IppaySettings(
        terminal_id=v.get("terminal_id") or "", password=v.get("password") or "", url=url,
        ach_sec=v.get("ach_sec") or "WEB",
        card_method=host.settings.choice_name(session, "payment_methods", v.get("card_payment_method"), CARD_METHOD),
        bank_method=host.settings.choice_name(session, "payment_methods", v.get("bank_payment_method"), BANK_METHOD),
        account_types=tuple(v.get("account_types") or ("card", "bank")),
        change_payment_method=bool(v.get("change_payment_method")),
        fee_percent=Decimal(v.get("fee_percent") or 0),
        fee_category=host.settings.choice_name(session, "transaction_categories", v.get("fee_category"), "Service"),
        direct_link_days=int(v.get("direct_link_days") or 30),
        connect_timeout=float(v.get("connect_timeout") or 5), read_timeout=float(v.get("read_timeout") or 60),
    )
