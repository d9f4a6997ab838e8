"""Config → Main → Portal: the host's portal settings, stored like add-on settings.

The values live in ``module_settings`` under the reserved id :data:`SETTINGS_ID` (Default
partner ``0`` and per-partner overrides). The schema is built from what is installed: every
loaded add-on's :attr:`~core.manifest.ModuleSpec.portal_methods` become the choices of
*Finance → Payment methods*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.manager import AddonManager
from core.portal import DASHBOARD_TILES, PortalMethod
from core.secrets import SecretBox
from core.settings import Field, FieldType, Section, SettingsSchema

from .config_cache import ConfigCache
from .settings_store import SettingsStore

#: the ``module_settings.addon_id`` of the portal settings (no add-on id contains a dot)
SETTINGS_ID = "host.portal"


class PortalConfig:
    """:class:`core.portal.PortalSettings` over the settings store; also builds the page's schema."""

    def __init__(self, box: SecretBox, addons: Callable[[], AddonManager], cache: ConfigCache) -> None:
        self.box = box
        #: the host's add-on manager now (it may be replaced while the host runs)
        self.addons = addons
        #: the effective settings per partner, kept while the configuration stays the same
        self.cache = cache

    def methods_by_addon(self) -> dict[str, tuple[PortalMethod, ...]]:
        """Portal payment methods of each loaded add-on that declares any, in add-on id order."""
        manager = self.addons()
        specs = {addon_id: manager.hooks.module_spec(addon_id) for addon_id in sorted(manager.loaded)}
        return {addon_id: spec.portal_methods for addon_id, spec in specs.items() if spec and spec.portal_methods}

    def declared_methods(self) -> list[PortalMethod]:
        """Portal payment methods of the loaded add-ons, in add-on id order."""
        return [method for methods in self.methods_by_addon().values() for method in methods]

    def hidden_addons(self, session: Session, partner_id: int | None) -> frozenset[str]:
        """Add-ons whose every portal payment method is switched off for the partner: the portal
        shows none of their entry points (pay icons, widgets, menu links)."""
        return self._effective(session, partner_id).hidden_addons

    def schema(self) -> SettingsSchema:
        methods = self.declared_methods()
        return SettingsSchema((
            Section("finance", "Finance", (
                Field("payment_methods", "Payment methods", FieldType.MULTI_SELECT,
                      choices=tuple((m.key, m.label) for m in methods),
                      default=[m.key for m in methods if m.default],
                      description="Shown to customers in the portal: pay buttons, top-up pages, Refill card."),
            ), per_partner=True),
            Section("dashboard", "Dashboard", (
                Field("dashboard_tiles", "Tiles", FieldType.MULTI_SELECT, choices=DASHBOARD_TILES,
                      default=[key for key, _ in DASHBOARD_TILES],
                      description="Add-on widgets are set in Modules list → Edit entry points."),
            ), per_partner=True),
        ))

    def _effective(self, session: Session, partner_id: int | None) -> EffectiveSettings:
        loaded = frozenset(self.addons().loaded)
        return self.cache.value(session, ("portal settings", partner_id, loaded),
                                lambda: self._compute(session, partner_id))

    def _compute(self, session: Session, partner_id: int | None) -> EffectiveSettings:
        values = SettingsStore(session, self.box).values(SETTINGS_ID, self.schema(), partner_id)
        methods = frozenset(values["payment_methods"] or ())
        return EffectiveSettings(methods, frozenset(values["dashboard_tiles"] or ()), frozenset(
            addon_id for addon_id, declared in self.methods_by_addon().items()
            if not any(m.key in methods for m in declared)))

    def methods(self, session: Session, partner_id: int | None) -> frozenset[str]:
        return self._effective(session, partner_id).methods

    def shows_method(self, session: Session, partner_id: int | None, key: str) -> bool:
        return key in self.methods(session, partner_id)

    def tiles(self, session: Session, partner_id: int | None) -> frozenset[str]:
        return self._effective(session, partner_id).tiles


@dataclass(frozen=True)
class EffectiveSettings:
    """A partner's portal settings as pages use them."""

    #: portal payment methods shown (keys)
    methods: frozenset[str]
    #: dashboard tiles shown (keys)
    tiles: frozenset[str]
    #: add-ons whose every payment method is off: none of their entry points is shown
    hidden_addons: frozenset[str]
