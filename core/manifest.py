"""What an add-on declares about itself: the manifest (loading) and the module spec (sync)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .identity import AddonIdentity
from .portal import PortalMethod
from .settings import SettingsSchema
from .version import API_VERSION


class CompatibilityError(RuntimeError):
    """The add-on needs an add-on API version this host does not provide."""


def _kit_ranges() -> frozenset[str]:
    """The API ranges that admit :data:`~core.version.API_VERSION` written as the add-on kit writes them.

    ``>=M.m,<M+1`` (the kit's) and ``>=M.m`` for every minor ``m`` of this host's major ``M`` up
    to its own: matched as strings, so a host whose add-ons declare them imports no version
    parser (``packaging``) at start-up; any other range is parsed.
    """
    major, minor = (int(part) for part in API_VERSION.split("."))
    return frozenset(spec for m in range(minor + 1) for spec in (f">={major}.{m},<{major + 1}", f">={major}.{m}"))


_KIT_RANGES = _kit_ranges()


@dataclass(frozen=True)
class AddonManifest:
    """The static facts the host checks before it registers an add-on's hooks.

    An add-on's entry point names a module (or object) with a ``MANIFEST`` attribute of
    this type; the manager reads it before registering any hook.
    """

    id: str
    title: str
    #: PEP 440 specifier the add-on API version (:data:`core.version.API_VERSION`) must
    #: satisfy, e.g. ``">=1.0,<2"``; give an upper bound at the next major version.
    requires_api: str = ""
    description: str = ""
    #: what the add-on does, shown on the Add-ons page and in the install plan
    capabilities: tuple[str, ...] = ()

    @property
    def identity(self) -> AddonIdentity:
        return AddonIdentity(self.id)

    def check_api(self, api_version: str) -> None:
        """Raise :class:`CompatibilityError` when ``api_version`` is outside ``requires_api``."""
        if not self.requires_api or (api_version == API_VERSION and self.requires_api in _KIT_RANGES):
            return
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import Version

        try:
            spec = SpecifierSet(self.requires_api)
        except InvalidSpecifier as exc:
            raise CompatibilityError(f"add-on {self.id!r} declares an invalid API range {self.requires_api!r}") from exc
        if Version(api_version) not in spec:
            raise CompatibilityError(
                f"add-on {self.id!r} needs add-on API {self.requires_api}; this host provides API {api_version}"
            )


@dataclass(frozen=True)
class PaymentAccountType:
    """A kind of saved credential an add-on stores for customers (e.g. "IPpay card").

    ``fields`` are the labels of the account's free fields; the host always stores the
    gateway token, brand, last 4 digits and expiry separately.
    """

    key: str
    title: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleSpec:
    """What :func:`core.hookspecs.splynx_configure_module` returns."""

    title: str
    settings: SettingsSchema = field(default_factory=SettingsSchema)
    #: payment methods (Config → Finance → Payment methods) the host creates if missing
    payment_methods: tuple[str, ...] = ()
    payment_account_types: tuple[PaymentAccountType, ...] = ()
    #: payment methods the add-on offers in the customer portal; Config → Main → Portal lists
    #: them per partner and :meth:`core.portal.PortalSettings.shows_method` answers for them
    portal_methods: tuple[PortalMethod, ...] = ()
    #: where the module's admin pages hang in the menu (``finance``, ``customers``, ``config``)
    root: str = "finance"
    #: the bulk-charge handler's parameters (Splynx's "External handler parameters"): asked for
    #: in the Charge dialog and auto-charge filters, validated, passed as ``ChargeBatch.params``
    charge_parameters: SettingsSchema = field(default_factory=SettingsSchema)
