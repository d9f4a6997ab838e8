"""splynx-host's add-on framework: the hook contracts and the machinery around them.

This package is the whole add-on API (``docs/`` is its guide): add-ons import ``core`` and
never ``hostapp``. The most used names are here::

    from core import hookimpl, AddonManifest, ModuleSpec, EntryPoint, PaymentResult

and the rest in its modules: :mod:`core.host` (what hooks receive as ``host``),
:mod:`core.models` (the model base and host records), :mod:`core.web` (view guards, tables,
formats, layouts) and :mod:`core.gateway` (the gateway kit). The API version is
:data:`core.version.API_VERSION`.
"""

from .entry_points import EntryPoint, Model, Place, Placement, PointType, Size
from .manager import AddonHooks, AddonManager, hookimpl
from .host import Host
from .manifest import AddonManifest, ModuleSpec, PaymentAccountType
from .payments import (
    ChargeBatch,
    ChargeItem,
    ChargeItemResult,
    PaymentError,
    PaymentInProgress,
    PaymentOutcome,
    PaymentRequest,
    PaymentResult,
    PaymentStatus,
    RefundOf,
    SavedAccount,
)
from .portal import PortalMethod, PortalSettings
from .settings import Field, FieldType, Section, SettingsSchema
from .version import API_VERSION, HOST_VERSION

__all__ = [
    "API_VERSION", "HOST_VERSION", "AddonHooks", "AddonManager", "AddonManifest", "ChargeBatch", "ChargeItem",
    "ChargeItemResult", "EntryPoint", "Field", "FieldType", "Host", "Model", "ModuleSpec", "PaymentAccountType",
    "PaymentError", "PaymentInProgress", "PaymentOutcome", "PaymentRequest", "PaymentResult", "PaymentStatus",
    "Place", "Placement", "PointType", "PortalMethod", "PortalSettings", "RefundOf", "SavedAccount", "Section", "SettingsSchema", "Size", "hookimpl",
]
