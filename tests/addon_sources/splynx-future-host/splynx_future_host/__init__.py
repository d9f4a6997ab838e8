"""A test add-on for a host version that does not exist yet."""

from core import AddonManifest

MANIFEST = AddonManifest(id="future_host", title="Future host", requires_api=">=99.0")
