"""The entry-point schema: where an add-on's UI appears inside the admin and portal.

Mirrors Splynx's entry-point record: ``place`` (portal/admin), ``type`` (menu_link,
action_link, code, tab), ``root`` (the page it belongs to), ``model`` (Invoices or
Proforma Invoices, action links), ``size`` (modal width), ``placement`` (before or after
the page content, code), ``title``, ``icon``, ``background``, ``url``, ``code``, the
partner/location/payment-type filters and ``enabled``.

The portal's Finance menu has two submenus of its own that add-ons fill: *Payments* (root
``finance_payments``: after the host's *List*, e.g. *Refill card*) and *Credit card* (root
``finance_credit_card``: the pages where customers keep the cards and bank accounts a gateway
saves, e.g. *IpPay payment credentials*). Both are new in API 1.2.

Menu links titled ``Group · Entry`` (:data:`GROUP_SEPARATOR`) that share their ``Group`` show
as one collapsible submenu *Group* with the entries *Entry*, e.g. *Refill cards → Series,
Generate, Statistics*.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from functools import lru_cache

from markupsafe import Markup

from .inputs import is_safe_link
from .templating import DirectSandboxedEnvironment


#: between a submenu's title and an entry's label in a menu link's title
GROUP_SEPARATOR = " · "


class Place(str, enum.Enum):
    PORTAL = "portal"
    ADMIN = "admin"


class PointType(str, enum.Enum):
    MENU_LINK = "menu_link"
    ACTION_LINK = "action_link"
    CODE = "code"
    TAB = "tab"


class Size(str, enum.Enum):
    EXTRA_SMALL = "extra_small"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    EXTRA_LARGE = "extra_large"

    @property
    def width_px(self) -> int:
        return {"extra_small": 300, "small": 450, "medium": 600, "large": 900, "extra_large": 1200}[self.value]


class Placement(str, enum.Enum):
    BEFORE_CONTENT = "before_content"
    AFTER_CONTENT = "after_content"


class Model(str, enum.Enum):
    INVOICES = "Invoices"
    PROFORMA_INVOICES = "Proforma Invoices"


#: pages an entry point can hang on, by place: root id -> title shown in the editor
ROOTS: dict[Place, dict[str, str]] = {
    Place.PORTAL: {
        "dashboard": "Dashboard",
        "finance": "Finance",
        "finance_payments": "Finance → Payments",
        "finance_credit_card": "Finance → Credit card",
        "profile": "Profile",
    },
    Place.ADMIN: {
        "dashboard": "Dashboard",
        "customers": "Customers",
        "customer": "Customer → Information",
        "finance": "Finance",
        "config": "Config",
    },
}


class EntryPointError(ValueError):
    """An entry point breaks the schema's rules; the message names the field."""


@dataclass(frozen=True)
class EntryPoint:
    """One entry point, as an add-on declares it and the host stores it."""

    name: str
    place: Place
    type: PointType
    title: str = ""
    root: str = ""
    model: Model | None = None
    size: Size = Size.MEDIUM
    placement: Placement = Placement.BEFORE_CONTENT
    icon: str = ""
    background: str = ""
    url: str = ""
    code: str = ""
    partners: tuple[int, ...] = ()
    locations: tuple[int, ...] = ()
    payment_types: tuple[int, ...] = ()
    enabled: bool = False
    #: set by the host when stored: the owning module name and the row id
    module: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        for attr, kind in (("place", Place), ("type", PointType), ("size", Size), ("placement", Placement)):
            value = getattr(self, attr)
            if not isinstance(value, kind):
                try:
                    object.__setattr__(self, attr, kind(value))
                except ValueError:
                    raise EntryPointError(f"{self.name}: {attr} {value!r} is not one of "
                                          f"{', '.join(k.value for k in kind)}") from None
        if self.model is not None and not isinstance(self.model, Model):
            try:
                object.__setattr__(self, "model", Model(self.model))
            except ValueError:
                raise EntryPointError(f"{self.name}: model {self.model!r} is not Invoices or Proforma Invoices") from None
        self.validate()

    def validate(self) -> None:
        """Enforce the schema's cross-field rules."""
        if not self.name:
            raise EntryPointError("an entry point needs a name")
        if self.type is PointType.ACTION_LINK:
            if self.model is None:
                raise EntryPointError(f"{self.name}: an action link needs a model (Invoices or Proforma Invoices)")
        elif self.root not in ROOTS[self.place]:
            raise EntryPointError(f"{self.name}: root {self.root!r} is not a {self.place.value} page "
                                  f"({', '.join(ROOTS[self.place])})")
        if self.type is PointType.CODE:
            if not self.code.strip():
                raise EntryPointError(f"{self.name}: a code entry point needs code")
        elif not self.url:
            raise EntryPointError(f"{self.name}: a {self.type.value} needs an add-on URL")
        if self.url and not is_safe_link(self.url):
            raise EntryPointError(f"{self.name}: the add-on URL must start with http://, https:// or / "
                                  f"(a path of this site)")

    def with_changes(self, **changes) -> "EntryPoint":
        return replace(self, **changes)

    def applies_to(self, *, partner_id: int | None, location_id: int | None, payment_method_id: int | None) -> bool:
        """True when the point's partner, location and payment-type filters admit a customer.

        An empty filter admits everyone.
        """
        return (
            (not self.partners or partner_id in self.partners)
            and (not self.locations or location_id in self.locations)
            and (not self.payment_types or payment_method_id in self.payment_types)
        )


_sandbox = DirectSandboxedEnvironment(autoescape=True)


@lru_cache(maxsize=256)
def _compiled(code: str):
    return _sandbox.from_string(code)


def render_code(point: EntryPoint, **variables) -> Markup:
    """Render a code point's template source in a sandbox (admins may edit the code).

    The sandbox forbids attribute access to private and unsafe members, so a widget's
    template can read what it is given but cannot reach the application. Compiled
    templates are cached by their source.
    """
    return Markup(_compiled(point.code).render(**variables))

