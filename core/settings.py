"""Typed settings schema: the add-on declares fields, the host builds, validates and stores.

A :class:`SettingsSchema` is a list of titled :class:`Section` s of :class:`Field` s.
Sections marked ``per_partner`` may hold a different value per partner; the value stored
without a partner is the default every partner inherits.

Validation turns raw form data (strings, lists of strings) into typed values and returns
per-field error messages; nothing is stored unless every field is valid. ``secret`` fields
are never rendered back: an empty submission keeps the stored value.

A ``URL`` field may carry a :class:`UrlRule`: https only (plain http to the loopback
simulators), and the secret fields sent to that URL. When the URL moves to another host,
those secrets must be typed again in the same form, so whoever changes where the gateway is
cannot have the stored credentials delivered to a listener of their own.
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


#: hosts a URL rule lets be called over plain http: this machine, where the gateway simulators run
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def url_host(url: str | None) -> str | None:
    """The lower-case host name of ``url`` (``None`` for an empty or malformed one)."""
    try:
        return urlparse(url).hostname if url else None
    except ValueError:
        return None


@dataclass(frozen=True)
class UrlRule:
    """Where a URL setting may point, and which secret settings travel to it.

    ``https`` is required except for ``http_hosts`` (the documented test hosts: loopback,
    where the simulators listen; ``None``: plain http anywhere). ``secrets`` name the secret
    fields sent to the URL: they must be entered again whenever the URL moves to another host.
    """

    secrets: tuple[str, ...] = ()
    http_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS

    def problem(self, url: str) -> str | None:
        """Why the server must not call ``url``, or ``None`` when it may."""
        try:
            parsed = urlparse(url)
            host = parsed.hostname
        except ValueError:
            host = None
        if not host or parsed.scheme not in ("http", "https"):
            return ("Enter a full URL starting with https://." if self.http_hosts is not None
                    else "Enter a full URL starting with http:// or https://.")
        if parsed.scheme == "http" and self.http_hosts is not None and host not in self.http_hosts:
            return f"Use https:// (plain http only to {', '.join(self.http_hosts)})."
        return None


#: what a URL field without a rule accepts: any http or https URL
ANY_URL = UrlRule(http_hosts=None)


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
    #: for ``URL`` fields: what the URL may be and which secrets follow it (see :class:`UrlRule`)
    url_rule: UrlRule | None = None

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
            problem = (self.url_rule or ANY_URL).problem(text)
            if problem:
                raise ValueError(problem)
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
        current: Mapping[str, Any] | None = None,
    ) -> ValidationResult:
        """Validate submitted values of ``keys`` (default: every editable field).

        A required secret counts as present when it is already stored
        (``secrets_present``); an empty secret submission means "keep the stored value"
        and is left out of ``values``. ``current`` holds the values in force: a URL with a
        :class:`UrlRule` that moves to another host than ``current`` names needs the rule's
        secrets submitted again (those in force), or nothing is stored.
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
        errors.update(self._secrets_left_behind(raw, values, current or {}))
        return ValidationResult(values, errors)

    def _secrets_left_behind(self, raw: Mapping[str, Any], values: Mapping[str, Any],
                             current: Mapping[str, Any]) -> dict[str, str]:
        """Errors for secrets in force that a URL moving to another host would carry along untyped."""
        errors = {}
        for f in self.fields():
            if f.url_rule is None:
                continue
            new_host = url_host(values.get(f.key))
            if new_host is None or new_host == url_host(current.get(f.key)):
                continue
            for key in f.url_rule.secrets:
                if current.get(key) and not str(raw.get(key) or "").strip():
                    errors[key] = (f"{f.title} now points at {new_host}: enter the {self.field(key).title} "
                                   f"again to send it there.")
        return errors
