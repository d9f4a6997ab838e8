"""splynx-host's add-on framework: the hook contracts and the machinery around them.

Add-on authors import from here::

    from core import hookimpl, AddonManifest, ModuleSpec, EntryPoint, PaymentResult
"""

from .entry_points import EntryPoint, Model, Place, Placement, PointType, Size
from .manager import AddonHooks, AddonManager, hookimpl
from .manifest import AddonManifest, ModuleSpec, PaymentAccountType
from .payments import (
    ChargeBatch,
    ChargeItem,
    ChargeItemResult,
    PaymentRequest,
    PaymentResult,
    PaymentStatus,
    SavedAccount,
)
from .settings import Field, FieldType, Section, SettingsSchema
from .version import HOST_VERSION

__all__ = [
    "HOST_VERSION", "AddonHooks", "AddonManager", "AddonManifest", "ChargeBatch", "ChargeItem",
    "ChargeItemResult", "EntryPoint", "Field", "FieldType", "Model", "ModuleSpec", "PaymentAccountType",
    "PaymentRequest", "PaymentResult", "PaymentStatus", "Place", "Placement", "PointType", "SavedAccount",
    "Section", "SettingsSchema", "Size", "hookimpl",
]
