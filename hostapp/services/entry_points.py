"""Stored entry points: merge add-on defaults with admin edits, and pick what a page shows."""

from __future__ import annotations

import logging

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.entry_points import EntryPoint, EntryPointError, Place

from ..models import Customer, EntryPointRecord, Module

log = logging.getLogger(__name__)

#: the entry-point fields an admin may edit and the add-on defaults
EDITABLE = ("place", "type", "title", "root", "model", "size", "placement", "icon", "background", "url", "code",
            "partners", "locations", "payment_types")


def _stored(value):
    if isinstance(value, tuple):
        return list(value)
    return getattr(value, "value", value)


def _fields(record: EntryPointRecord) -> dict:
    return dict(
        name=record.name, place=record.place, type=record.type, title=record.title, root=record.root,
        model=record.model, size=record.size, placement=record.placement, icon=record.icon,
        background=record.background, url=record.url, code=record.code, partners=tuple(record.partners or ()),
        locations=tuple(record.locations or ()), payment_types=tuple(record.payment_types or ()),
        enabled=record.enabled, module=record.module, id=record.id,
    )


def to_point(record: EntryPointRecord) -> EntryPoint:
    """The stored point, validated (:class:`EntryPointError` when a stored value breaks today's rules)."""
    return EntryPoint(**_fields(record))


def merge_defaults(session: Session, addon_id: str, module_name: str, defaults: list[EntryPoint]) -> None:
    """Insert new points, refresh fields no admin edited, drop points the add-on no longer declares."""
    existing = {r.name: r for r in session.execute(
        select(EntryPointRecord).where(EntryPointRecord.module == module_name)).scalars()}
    for point in defaults:
        record = existing.pop(point.name, None)
        if record is None:
            record = EntryPointRecord(module=module_name, addon_id=addon_id, name=point.name,
                                      enabled=point.enabled, edited=[])
            session.add(record)
        for name in EDITABLE:
            if name not in (record.edited or []):
                setattr(record, name, _stored(getattr(point, name)))
    for stale in existing.values():
        session.delete(stale)


def apply_edit(record: EntryPointRecord, changes: dict) -> list[str]:
    """Apply an admin's edit after validating the result; returns the fields this edit changed.

    Edited fields are remembered on the record, so add-on upgrades keep them. Only the result
    is validated, so a point stored before a rule tightened can be corrected.
    """
    current = _fields(record)
    candidate = EntryPoint(**{**current, **{k: v for k, v in changes.items() if k in EDITABLE or k == "enabled"}})
    edited = set(record.edited or [])
    changed = []
    for name in EDITABLE:
        if name in changes and _stored(getattr(candidate, name)) != _stored(current[name]):
            edited.add(name)
            changed.append(name)
        setattr(record, name, _stored(getattr(candidate, name)))
    if candidate.enabled != current["enabled"]:
        changed.append("enabled")
    record.enabled = candidate.enabled
    record.edited = sorted(edited)
    return changed


def delete_for_module(session: Session, module_name: str) -> None:
    session.execute(delete(EntryPointRecord).where(EntryPointRecord.module == module_name))


def visible_points(session: Session, place: Place, *, customer: Customer | None = None,
                   loaded: set[str] | frozenset = frozenset()) -> list[EntryPoint]:
    """Enabled points of a place, of enabled loaded modules, that admit this customer (one query)."""
    return for_customer(enabled_points(session, place, loaded=loaded), customer)


def enabled_points(session: Session, place: Place, *, loaded: set[str] | frozenset) -> tuple[EntryPoint, ...]:
    """Enabled points of a place, of enabled loaded modules, whoever looks (one query)."""
    query = (select(EntryPointRecord, Module.addon_id)
             .join(Module, Module.name == EntryPointRecord.module)
             .where(EntryPointRecord.enabled.is_(True), EntryPointRecord.place == place.value,
                    Module.status == "enabled")
             .order_by(EntryPointRecord.module, EntryPointRecord.id))
    if place is Place.PORTAL:
        query = query.where(Module.portal_entry_points_enabled.is_(True))
    points = []
    for record, addon_id in session.execute(query):
        if addon_id not in loaded:
            continue
        try:
            points.append(to_point(record))
        except EntryPointError as exc:  # stored before a rule tightened (a javascript: URL): never shown
            log.warning("entry point %s/%s not shown: %s", record.module, record.name, exc)
    return tuple(points)


def for_customer(points, customer: Customer | None) -> list[EntryPoint]:
    """The points that admit this customer (all of them when no customer looks)."""
    if customer is None:
        return list(points)
    return [point for point in points if point.applies_to(partner_id=customer.partner_id,
                                                          location_id=customer.location_id,
                                                          payment_method_id=customer.payment_method_id)]
