"""The add-on manager: entry-point discovery, validation, and a typed facade over hooks.

Add-ons are found through the entry-point group :data:`ENTRY_POINT_GROUP`. Each entry point
is loaded on its own: an import error, a missing or malformed ``MANIFEST``, a name that
disagrees with the add-on id, a host-version bound this host does not meet, or a hook
implementation pluggy rejects (unknown hook, unknown argument) records the add-on as
*broken* with its error and the others still load. ``SPLYNX_STRICT_ADDONS=1`` turns that
into an exception (development).

:class:`AddonHooks` is the only way the host calls hooks. It always targets one add-on by
id. UI hooks are fail-soft (logged, recorded, a fallback returned); money hooks raise.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint as MetadataEntryPoint
from importlib.metadata import entry_points
from typing import Any

import pluggy
from markupsafe import Markup, escape

from . import hookspecs
from .entry_points import EntryPoint, render_code
from .identity import AddonIdentity, IdentityError
from .manifest import AddonManifest, ModuleSpec
from .mail import MailTemplate, MailVariables
from .payments import ChargeBatch, ChargeItemResult, PaymentRequest, PaymentResult
from .version import API_VERSION

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "splynx.addons"
hookimpl = pluggy.HookimplMarker(hookspecs.PROJECT)


class AddonLoadError(RuntimeError):
    """An add-on cannot be loaded; the message says why in words an operator understands."""


class AddonCallError(RuntimeError):
    """A money hook was called on an add-on that does not implement it or answered nonsense."""


@dataclass(frozen=True)
class LoadedAddon:
    """An add-on whose hooks are registered."""

    manifest: AddonManifest
    plugin: Any
    version: str
    dist_name: str

    @property
    def id(self) -> str:
        return self.manifest.id


@dataclass(frozen=True)
class BrokenAddon:
    """An add-on that was found but could not be loaded, with the reason."""

    id: str
    error: str
    version: str = ""
    dist_name: str = ""
    details: str = ""


class AddonManager:
    """Loads add-ons into a pluggy manager and keeps the loaded and broken sets."""

    def __init__(self, *, api_version: str = API_VERSION, strict: bool | None = None) -> None:
        self.api_version = api_version
        self.strict = os.environ.get("SPLYNX_STRICT_ADDONS") == "1" if strict is None else strict
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        if os.environ.get("SPLYNX_TRACE_ADDONS") == "1":
            self.pm.trace.root.setwriter(log.debug)
            self.pm.enable_tracing()
        self.loaded: dict[str, LoadedAddon] = {}
        self.broken: dict[str, BrokenAddon] = {}
        #: last fail-soft error per add-on, shown on the Add-ons page
        self.ui_errors: dict[str, str] = {}
        #: ids that came from entry points (refresh leaves add-ons registered in code alone)
        self.discovered: set[str] = set()
        self._lock = threading.RLock()
        #: (add-on id, hook) -> the hook called on that add-on alone; emptied when the add-on set changes
        self._callers: dict[tuple[str, str], Any] = {}
        #: what every hook receives as ``host`` (set by the host with :meth:`bind`)
        self.host: Any = None
        self.hooks = AddonHooks(self)

    def bind(self, host: Any) -> None:
        """Hand ``host`` to every hook call from now on."""
        self.host = host

    # -- loading ------------------------------------------------------------------------

    def discover(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Load every add-on the installed distributions declare, one at a time."""
        for ep in sorted(entry_points(group=group), key=lambda e: e.name):
            self.load_entry_point(ep)

    def refresh(self, group: str = ENTRY_POINT_GROUP,
                forget: Callable[[str], None] | None = None) -> dict[str, list[str]]:
        """Bring the loaded set in line with the distributions installed now, without a restart.

        Add-ons whose distribution is gone are unregistered; add-ons whose version changed,
        and broken ones, are unregistered and loaded again from fresh imports; new ones are
        loaded. Before an add-on's modules are dropped from ``sys.modules``, ``forget(id)``
        lets the host drop what the old code registered elsewhere (e.g. its ORM tables).
        Returns the ids ``added``, ``removed`` and ``reloaded``.
        """
        importlib.invalidate_caches()
        found = {ep.name: ep for ep in entry_points(group=group)}
        changes: dict[str, list[str]] = {"added": [], "removed": [], "reloaded": []}
        with self._lock:
            for addon_id in sorted(self.discovered & (set(self.loaded) | set(self.broken))):
                ep = found.get(addon_id)
                loaded = self.loaded.get(addon_id)
                if ep is not None and loaded is not None and (ep.dist.version if ep.dist else "") == loaded.version:
                    continue
                self.unregister(addon_id)
                if forget is not None:
                    forget(addon_id)
                _forget_modules(addon_id, ep)
                self.discovered.discard(addon_id)
                changes["removed" if ep is None else "reloaded"].append(addon_id)
            for name, ep in sorted(found.items()):
                if name in self.loaded:
                    continue
                if name not in changes["reloaded"]:
                    changes["added"].append(name)
                self.load_entry_point(ep)
        return changes

    def load_entry_point(self, ep: MetadataEntryPoint) -> LoadedAddon | None:
        dist_name, version = _name_and_version(ep)
        self.discovered.add(ep.name)
        try:
            AddonIdentity(ep.name)
            plugin = ep.load()
            return self.register(
                plugin, version=version, dist_name=dist_name, entry_point_name=ep.name, import_name=ep.module
            )
        except Exception as exc:  # noqa: BLE001 - any failure of one add-on is recorded, not fatal
            self._record_broken(ep.name, exc, version=version, dist_name=dist_name)
            return None

    def register(
        self,
        plugin: Any,
        *,
        version: str = "0",
        dist_name: str | None = None,
        entry_point_name: str | None = None,
        import_name: str | None = None,
    ) -> LoadedAddon:
        """Validate and register one add-on object; raise :class:`AddonLoadError` if unfit."""
        manifest = getattr(plugin, "MANIFEST", None)
        if not isinstance(manifest, AddonManifest):
            raise AddonLoadError(f"{entry_point_name or plugin!r} has no MANIFEST (core.manifest.AddonManifest)")
        identity = manifest.identity
        identity.check(entry_point_name=entry_point_name, dist_name=dist_name, import_name=import_name)
        manifest.check_api(self.api_version)
        with self._lock:
            if manifest.id in self.loaded:
                raise AddonLoadError(f"add-on {manifest.id!r} is already loaded")
            try:
                self.pm.register(plugin, name=manifest.id)
            except pluggy.PluginValidationError as exc:
                raise AddonLoadError(f"add-on {manifest.id!r}: {exc}") from exc
            unknown = sorted(c.name for c in self.pm.get_hookcallers(plugin) or () if not c.has_spec())
            if unknown:
                self.pm.unregister(plugin)
                raise AddonLoadError(f"add-on {manifest.id!r} implements unknown hook(s): {', '.join(unknown)}")
            loaded = LoadedAddon(manifest, plugin, version, dist_name or identity.dist_name)
            self.loaded[manifest.id] = loaded
            self._callers.clear()
            self.broken.pop(manifest.id, None)
        log.info("loaded add-on %s %s", manifest.id, version)
        return loaded

    def unregister(self, addon_id: str) -> None:
        with self._lock:
            loaded = self.loaded.pop(addon_id, None)
            if loaded is not None:
                self.pm.unregister(loaded.plugin)
                self._callers.clear()
            self.broken.pop(addon_id, None)
            self.ui_errors.pop(addon_id, None)

    def _record_broken(self, addon_id: str, exc: BaseException, *, version: str, dist_name: str) -> None:
        message = f"{type(exc).__name__}: {exc}"
        log.error("add-on %s could not be loaded: %s", addon_id, message)
        if self.strict:
            raise AddonLoadError(f"add-on {addon_id!r} could not be loaded: {message}") from exc
        details = "".join(traceback.format_exception(exc))
        self.broken[addon_id] = BrokenAddon(addon_id, message, version, dist_name, details)

    def record_ui_error(self, addon_id: str, hook: str, exc: BaseException) -> None:
        log.error("add-on %s failed in %s", addon_id, hook, exc_info=exc)
        self.ui_errors[addon_id] = f"{hook}: {type(exc).__name__}: {exc}"

    def get(self, addon_id: str) -> LoadedAddon:
        try:
            return self.loaded[addon_id]
        except KeyError:
            raise AddonCallError(f"add-on {addon_id!r} is not loaded") from None

    def hook_caller(self, addon_id: str, hook: str):
        """``hook`` called on the loaded add-on ``addon_id`` alone (made once per add-on set)."""
        with self._lock:
            caller = self._callers.get((addon_id, hook))
            if caller is None:
                self.get(addon_id)
                others = [a.plugin for a in self.loaded.values() if a.id != addon_id]
                caller = self._callers[addon_id, hook] = self.pm.subset_hook_caller(hook, remove_plugins=others)
            return caller


def _name_and_version(ep: MetadataEntryPoint) -> tuple[str, str]:
    """The entry point's distribution name and version from one read of its METADATA.

    (``Distribution.version`` would read and parse the file a second time.)
    """
    if ep.dist is None:
        return "", ""
    metadata = ep.dist.metadata
    return metadata["Name"], metadata["Version"]


def _forget_modules(addon_id: str, ep: MetadataEntryPoint | None) -> None:
    """Drop an add-on's modules from ``sys.modules`` so the next load imports its new code."""
    try:
        packages = {AddonIdentity(addon_id).import_package}
    except IdentityError:
        packages = set()
    if ep is not None:
        packages.add(ep.module.split(".")[0])
    for name in [m for m in sys.modules if m.split(".")[0] in packages]:
        del sys.modules[name]


_NOT_CALLED = object()


class AddonHooks:
    """Typed calls of each hook on one add-on; the host's only way into add-on code."""

    def __init__(self, manager: AddonManager) -> None:
        self._manager = manager

    def _call(self, addon_id: str, hook: str, **kwargs):
        return self._manager.hook_caller(addon_id, hook)(host=self._manager.host, **kwargs)

    def _call_soft(self, addon_id: str, hook: str, **kwargs):
        """Call a UI hook; on error log it, record it on the add-on, return ``_NOT_CALLED``."""
        try:
            results = self._call(addon_id, hook, **kwargs)
        except Exception as exc:  # noqa: BLE001 - UI hooks are fail-soft by contract
            self._manager.record_ui_error(addon_id, hook, exc)
            return _NOT_CALLED
        return results[0] if results else None

    def implementers(self, hook: str) -> list[str]:
        """Ids of loaded add-ons that implement ``hook`` (e.g. the bulk-charge handlers)."""
        caller = getattr(self._manager.pm.hook, hook)
        names = {impl.plugin_name for impl in caller.get_hookimpls()}
        return sorted(name for name in names if name in self._manager.loaded)

    # -- registration and UI (fail-soft) ----------------------------------------------

    def module_spec(self, addon_id: str) -> ModuleSpec | None:
        spec = self._call_soft(addon_id, "splynx_configure_module")
        if spec is _NOT_CALLED or spec is None:
            return None
        if not isinstance(spec, ModuleSpec):
            self._manager.record_ui_error(
                addon_id, "splynx_configure_module", TypeError(f"returned {type(spec).__name__}, not ModuleSpec")
            )
            return None
        return spec

    def entry_points(self, addon_id: str) -> list[EntryPoint] | None:
        """Default entry points, or ``None`` when the hook failed (keep what is stored)."""
        points = self._call_soft(addon_id, "splynx_register_entry_points")
        if points is _NOT_CALLED:
            return None
        return list(points or [])

    def blueprint(self, addon_id: str):
        bp = self._call_soft(addon_id, "splynx_register_routes")
        return None if bp is _NOT_CALLED else bp

    def commands(self, addon_id: str):
        cmd = self._call_soft(addon_id, "splynx_register_commands")
        return None if cmd is _NOT_CALLED else cmd

    def lifecycle(self, addon_id: str, event: str, from_version: str | None, to_version: str | None) -> None:
        self._call_soft(addon_id, "splynx_lifecycle", event=event, from_version=from_version, to_version=to_version)

    def demo_data(self, addon_id: str, demo) -> list[str]:
        """What the add-on added to the demo's data (lines to print); none when the hook failed."""
        lines = self._call_soft(addon_id, "splynx_demo_data", demo=demo)
        if lines is _NOT_CALLED or not lines:
            return []
        return [str(line) for line in lines]

    def entry_point_visible(self, addon_id: str, point: EntryPoint, context: dict) -> bool:
        """Whether the add-on shows ``point`` to this viewer; a failing hook hides it (an add-on
        without the hook shows every point: it is not called)."""
        if not self._manager.hook_caller(addon_id, "splynx_entry_point_visible").get_hookimpls():
            return True
        visible = self._call_soft(addon_id, "splynx_entry_point_visible", point=point, context=context)
        return visible is not _NOT_CALLED and visible is not False

    def mail_templates(self, addon_id: str) -> list[MailTemplate]:
        """The add-on's e-mail templates; none when the hook failed or returned something else."""
        templates = self._call_soft(addon_id, "splynx_mail_templates")
        if templates is _NOT_CALLED or templates is None:
            return []
        return [t for t in templates if isinstance(t, MailTemplate)]

    def mail_variables(self, addon_id: str, template: str, customer, document) -> MailVariables | None:
        """What the add-on adds to an e-mail being rendered; ``None`` when nothing or the hook failed."""
        added = self._call_soft(addon_id, "splynx_mail_variables", template=template, customer=customer,
                                document=document)
        if added is _NOT_CALLED or added is None:
            return None
        if not isinstance(added, MailVariables):
            self._manager.record_ui_error(addon_id, "splynx_mail_variables",
                                          TypeError(f"returned {type(added).__name__}, not MailVariables"))
            return None
        return added

    def render_entry_point(self, addon_id: str, point: EntryPoint, context: dict) -> Markup:
        """HTML of a code point; an error box naming the add-on if rendering fails."""
        html = self._call_soft(addon_id, "splynx_render_entry_point", point=point, context=context)
        if html is None:
            try:
                html = render_code(point, **context)
            except Exception as exc:  # noqa: BLE001 - an admin-edited template may be broken
                self._manager.record_ui_error(addon_id, "render_code", exc)
                html = _NOT_CALLED
        if html is _NOT_CALLED:
            return Markup(
                '<div class="alert alert-error widget-error" role="alert">'
                "The widget “{}” of add-on {} could not be shown. The error was logged.</div>"
            ).format(point.title or point.name, addon_id)
        return html if isinstance(html, Markup) else escape(html)

    # -- money (fail-loud) --------------------------------------------------------------

    def _call_money(self, addon_id: str, hook: str, **kwargs) -> Any:
        result = self._call(addon_id, hook, **kwargs)
        if result is None:
            raise AddonCallError(f"add-on {addon_id!r} does not implement {hook}")
        return result

    def pay_invoice(self, addon_id: str, request: PaymentRequest) -> PaymentResult:
        return _expect_result(addon_id, self._call_money(addon_id, "splynx_pay_invoice", request=request))

    def refill_balance(self, addon_id: str, request: PaymentRequest) -> PaymentResult:
        return _expect_result(addon_id, self._call_money(addon_id, "splynx_refill_balance", request=request))

    def refund_payment(self, addon_id: str, request: PaymentRequest) -> PaymentResult:
        return _expect_result(addon_id, self._call_money(addon_id, "splynx_refund_payment", request=request))

    def bulk_charge(self, addon_id: str, batch: ChargeBatch) -> Iterable[ChargeItemResult]:
        for item in self._call_money(addon_id, "splynx_bulk_charge", batch=batch):
            if not isinstance(item, ChargeItemResult):
                raise AddonCallError(f"add-on {addon_id!r} yielded {type(item).__name__}, not ChargeItemResult")
            yield item


def _expect_result(addon_id: str, result: Any) -> PaymentResult:
    if not isinstance(result, PaymentResult):
        raise AddonCallError(f"add-on {addon_id!r} returned {type(result).__name__}, not PaymentResult")
    return result
