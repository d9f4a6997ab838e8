"""The add-on's settings: voucher options, redeem protection, export; its portal switch lives in Config → Main → Portal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core import PortalMethod
from core.host import Host
from core.settings import Field, FieldType, Section, SettingsSchema

ADDON_ID = "refill_cards"

CHARACTER_SETS = {"upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "digits": "0123456789",
                  "lower": "abcdefghijklmnopqrstuvwxyz"}
PORTAL_METHOD = "refill_card"

SCHEMA = SettingsSchema((
    Section("vouchers", "Vouchers", (
        Field("code_length", "Code length", FieldType.NUMBER, default=8, min_value=4, max_value=32, required=True,
              description="Characters in the random part of a card's code."),
        Field("characters", "Characters available when generating", FieldType.MULTI_SELECT,
              default=["upper", "digits", "lower"], required=True,
              choices=(("upper", "A–Z"), ("digits", "0–9"), ("lower", "a–z"))),
        Field("lock_partner", "Refill: lock card per partner", FieldType.TOGGLE, default=False,
              description="Use verification of partner cards: a card of a partner's series can only be "
                          "redeemed by that partner's customers."),
    )),
    Section("protection", "Redeem protection", (
        Field("max_failures", "Wrong codes before lockout", FieldType.NUMBER, default=5, min_value=1,
              max_value=100, required=True),
        Field("failure_window", "Counting window, minutes", FieldType.NUMBER, default=15, min_value=1,
              max_value=1440, required=True),
        Field("lockout_minutes", "Lockout, minutes", FieldType.NUMBER, default=30, min_value=1,
              max_value=10080, required=True),
    ), description="Customers who type wrong codes too often are locked out of redeeming for a while."),
    Section("export", "Export", (
        Field("card_title", "Title printed on cards", FieldType.TEXT, default="Refill card", required=True),
    )),
    Section("portal", "Customer portal", (
        Field("portal_place", "Redeeming in the portal", FieldType.INFO,
              default="Config → Main → Portal → Per partner settings → Finance → Payment methods: Refill card",
              description="Where the portal's Refill card page is switched on, for every partner or one."),
    )),
))

#: the portal payment method Config → Main → Portal lists for this add-on (off until chosen)
PORTAL = PortalMethod(PORTAL_METHOD, "Refill card", default=False)


@dataclass(frozen=True)
class VoucherOptions:
    """The typed settings the services use."""

    code_length: int
    alphabet: str
    lock_partner: bool
    max_failures: int
    failure_window: int
    lockout_minutes: int
    card_title: str

    @classmethod
    def from_values(cls, values: dict) -> "VoucherOptions":
        alphabet = "".join(CHARACTER_SETS[k] for k in ("upper", "digits", "lower") if k in values["characters"])
        return cls(code_length=int(values["code_length"]), alphabet=alphabet or "".join(CHARACTER_SETS.values()),
                   lock_partner=bool(values["lock_partner"]), max_failures=int(values["max_failures"]),
                   failure_window=int(values["failure_window"]), lockout_minutes=int(values["lockout_minutes"]),
                   card_title=values["card_title"] or "Refill card")


def options(host: Host, session: Session) -> VoucherOptions:
    """The voucher options in force."""
    return VoucherOptions.from_values(host.settings.values(session, ADDON_ID, SCHEMA))


def portal_enabled(host: Host, session: Session, partner_id: int | None) -> bool:
    """Whether customers of ``partner_id`` may redeem refill cards in the portal (Config → Main → Portal)."""
    return host.portal.shows_method(session, partner_id, PORTAL_METHOD)
