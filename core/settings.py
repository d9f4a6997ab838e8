"""Typed settings schema: the add-on declares fields, the host builds, validates and stores.

A :class:`SettingsSchema` is a list of titled :class:`Section` s of :class:`Field` s.
Sections marked ``per_partner`` may hold a different value per partner; the value stored
without a partner is the default every partner inherits.

Validation turns raw form data (strings, lists of strings) into typed values and returns
per-field error messages; nothing is stored unless every field is valid. ``secret`` fields
are never rendered back: an empty submission keeps the stored value.
"""

from __future__ import annotations

import enum
import ipaddress
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlparse


class FieldType(str, enum.Enum):
    """The widgets a settings form knows."""

    TEXT = "text"
    NUMBER = "number"
    DECIMAL = "decimal"
    SELECT = "select"
    MULTI_SELECT = "multi_select"
    TOGGLE = "toggle"
    SECRET = "secret"
    TEXTAREA = "textarea"
    URL = "url"
    IP_ADDRESS = "ip_address"
    #: read-only text computed by the host or add-on (e.g. "register this IP with the gateway");
    #: the field's ``default`` is the text or a callable returning it, called when the form is built
    INFO = "info"


#: a choice list is either literal ``(value, label)`` pairs or the name of a host relation
#: (``"payment_methods"``, ``"partners"``, ``"transaction_categories"``) resolved at form time
Choices = tuple[tuple[str, str], ...] | str

ChoiceResolver = Callable[[str], list[tuple[str, str]]]


class SchemaError(ValueError):
    """The schema itself is malformed (duplicate keys, a default that fails validation)."""


@dataclass(frozen=True)
class Field:
    """One setting: its key (unique within the schema), widget type, default and help."""

    key: str
    title: str
    type: FieldType = FieldType.TEXT
    default: Any = None
    description: str = ""
    required: bool = False
    choices: Choices = ()
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None

    @property
    def is_secret(self) -> bool:
        return self.type is FieldType.SECRET

    def info_text(self) -> str:
        """The text an ``INFO`` field shows (its ``default``, called if it is a callable)."""
        value = self.default() if callable(self.default) else self.default
        return "" if value is None else str(value)

    def resolve_choices(self, resolver: ChoiceResolver | None) -> list[tuple[str, str]]:
        if isinstance(self.choices, str):
            return resolver(self.choices) if resolver else []
        return list(self.choices)

    # -- conversion -------------------------------------------------------------------

    def parse(self, raw: Any, resolver: ChoiceResolver | None = None) -> Any:
        """Convert one submitted value to its typed form or raise ``ValueError(message)``."""
        kind = self.type
        if kind is FieldType.TOGGLE:
            return _parse_toggle(raw)
        if kind is FieldType.MULTI_SELECT:
            values = [str(v) for v in (raw if isinstance(raw, (list, tuple)) else [raw]) if str(v or "").strip()]
            allowed = {value for value, _ in self.resolve_choices(resolver)}
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise ValueError(f"Unknown choice: {', '.join(unknown)}")
            if self.required and not values:
                raise ValueError("Choose at least one option.")
            return values
        text = "" if raw is None else str(raw).strip()
        if not text:
            if self.required:
                raise ValueError("This field is required.")
            return None
        if kind is FieldType.NUMBER:
            try:
                value = int(text)
            except ValueError:
                raise ValueError("Enter a whole number.") from None
            return self._check_bounds(value)
        if kind is FieldType.DECIMAL:
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise ValueError("Enter a number such as 2.50.") from None
            if not value.is_finite():
                raise ValueError("Enter a number such as 2.50.")
            return self._check_bounds(value)
        if kind is FieldType.SELECT:
            allowed = {value for value, _ in self.resolve_choices(resolver)}
            if text not in allowed:
                raise ValueError("Choose one of the listed options.")
            return text
        if kind is FieldType.URL:
            parsed = urlparse(text)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValueError("Enter a full URL starting with http:// or https://.")
            return text
        if kind is FieldType.IP_ADDRESS:
            try:
                return str(ipaddress.ip_address(text))
            except ValueError:
                raise ValueError("Enter an IPv4 or IPv6 address such as 203.0.113.10.") from None
        return text

    def _check_bounds(self, value):
        if self.min_value is not None and value < self.min_value:
            raise ValueError(f"Must be at least {self.min_value}.")
        if self.max_value is not None and value > self.max_value:
            raise ValueError(f"Must be at most {self.max_value}.")
        return value

    def dump(self, value: Any) -> str:
        """Serialise a typed value for storage (JSON text)."""
        if isinstance(value, Decimal):
            return json.dumps(str(value))
        return json.dumps(value)

    def load(self, stored: str) -> Any:
        """Inverse of :meth:`dump`."""
        value = json.loads(stored)
        if self.type is FieldType.DECIMAL and value is not None:
            return Decimal(value)
        return value


def _parse_toggle(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (list, tuple)):
        raw = raw[-1] if raw else ""
    return str(raw or "").strip().lower() in ("1", "on", "true", "yes")


@dataclass(frozen=True)
class Section:
    """A titled card of fields on the settings form."""

    key: str
    title: str
    fields: tuple[Field, ...]
    per_partner: bool = False
    description: str = ""


@dataclass(frozen=True)
class ValidationResult:
    """Typed values of every submitted field, or the message of every invalid one."""

    values: dict[str, Any]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class SettingsSchema:
    """An add-on's settings: sections of fields, unique keys across the schema."""

    sections: tuple[Section, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for f in self.fields():
            if f.key in seen:
                raise SchemaError(f"setting key {f.key!r} is declared twice")
            seen.add(f.key)
            if f.default is not None and f.type not in (FieldType.SELECT, FieldType.MULTI_SELECT, FieldType.INFO):
                try:
                    f.parse(f.default)
                except ValueError as exc:
                    raise SchemaError(f"default of {f.key!r} is invalid: {exc}") from None

    def fields(self) -> Iterator[Field]:
        for section in self.sections:
            yield from section.fields

    def field(self, key: str) -> Field:
        for f in self.fields():
            if f.key == key:
                return f
        raise KeyError(key)

    def defaults(self) -> dict[str, Any]:
        return {f.key: f.default for f in self.fields() if f.type is not FieldType.INFO}

    def partner_keys(self) -> set[str]:
        return {f.key for s in self.sections if s.per_partner for f in s.fields}

    def validate(
        self,
        raw: Mapping[str, Any],
        *,
        resolver: ChoiceResolver | None = None,
        keys: set[str] | None = None,
        secrets_present: set[str] = frozenset(),
    ) -> ValidationResult:
        """Validate submitted values of ``keys`` (default: every editable field).

        A required secret counts as present when it is already stored
        (``secrets_present``); an empty secret submission means "keep the stored value"
        and is left out of ``values``.
        """
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for f in self.fields():
            if f.type is FieldType.INFO or (keys is not None and f.key not in keys):
                continue
            submitted = raw.get(f.key)
            if f.is_secret and not str(submitted or "").strip():
                if f.required and f.key not in secrets_present:
                    errors[f.key] = "This field is required."
                continue
            try:
                values[f.key] = f.parse(submitted, resolver)
            except ValueError as exc:
                errors[f.key] = str(exc)
        return ValidationResult(values, errors)
