"""Charge handlers: the enabled add-ons that implement ``splynx_bulk_charge``, and their parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core.settings import SettingsSchema

from ...models import Module
from .filters import FilterError

HOOK = "splynx_bulk_charge"
#: form fields of handler parameters are named ``param_<key>`` next to the filters
PARAM_PREFIX = "param_"


@dataclass(frozen=True)
class Handler:
    """One External handler choice of the Charge dialog."""

    id: str
    title: str
    parameters: SettingsSchema

    def parse_params(self, form: Mapping[str, Any], *, prefixed: bool = True, resolver=None) -> dict[str, Any]:
        """Validated, JSON-safe parameter values; :class:`FilterError` names each bad ``param_<key>``.

        A parameter left out of ``form`` gets its declared default.
        """
        raw = {f.key: _form_value(form, (PARAM_PREFIX if prefixed else "") + f.key)
               for f in self.parameters.fields()}
        raw = {key: (self.parameters.field(key).default if value is None else value) for key, value in raw.items()}
        result = self.parameters.validate(raw, resolver=resolver)
        if not result.ok:
            raise FilterError({PARAM_PREFIX + key: message for key, message in result.errors.items()})
        return {key: str(value) if isinstance(value, Decimal) else value for key, value in result.values.items()}


def _form_value(form: Mapping[str, Any], name: str):
    getlist = getattr(form, "getlist", None)
    values = getlist(name) if getlist else form.get(name)
    if isinstance(values, list) and len(values) <= 1:
        return values[0] if values else None
    return values


def charge_handlers(host) -> list[Handler]:
    """Loaded, enabled add-ons implementing the bulk-charge hook, by title."""
    ids = host.addons.hooks.implementers(HOOK)
    if not ids:
        return []
    with host.db.transaction() as session:
        enabled = set(session.execute(select(Module.addon_id).where(Module.addon_id.in_(ids),
                                                                    Module.status == "enabled")).scalars())
    handlers = []
    for addon_id in ids:
        if addon_id not in enabled:
            continue
        spec = host.addons.hooks.module_spec(addon_id)
        title = spec.title if spec else host.addons.loaded[addon_id].manifest.title
        handlers.append(Handler(addon_id, title, spec.charge_parameters if spec else SettingsSchema()))
    return sorted(handlers, key=lambda h: h.title.lower())


def find_handler(host, handler_id: str) -> Handler:
    """The enabled handler ``handler_id``; :class:`FilterError` on ``handler`` otherwise."""
    for handler in charge_handlers(host):
        if handler.id == handler_id:
            return handler
    if not handler_id:
        raise FilterError({"handler": "Choose an external handler."})
    raise FilterError({"handler": f"{handler_id!r} is not an enabled add-on that can charge invoices."})
