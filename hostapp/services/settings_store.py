"""Reading and writing add-on settings: typed, per-partner, secrets sealed at rest."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.secrets import REDACTED, SecretBox
from core.settings import ChoiceResolver, FieldType, SettingsSchema, ValidationResult

from ..models import ModuleSetting, Partner, PaymentMethod, TransactionCategory
from .audit import record

DEFAULT_PARTNER = 0


#: relation choices a settings field may name, and the model each lists
RELATIONS = {"payment_methods": PaymentMethod, "partners": Partner, "transaction_categories": TransactionCategory}


def host_choices(session: Session) -> ChoiceResolver:
    """Resolve relation choices (``payment_methods``, ``partners``, ``transaction_categories``)."""

    def resolve(name: str) -> list[tuple[str, str]]:
        model = RELATIONS.get(name)
        if model is None:
            return []
        return [(str(row.id), row.name) for row in session.execute(select(model).order_by(model.id)).scalars()]

    return resolve


def choice_name(session: Session, relation: str, value, fallback: str) -> str:
    """The name of the row a relation setting holds (its id), or ``fallback`` when unset or gone."""
    if not value:
        return fallback
    model = RELATIONS[relation]
    row = session.execute(select(model).where(model.id == int(value))).scalar_one_or_none()
    return row.name if row else fallback


class HostSettings:
    """:class:`core.host.Settings`: what add-ons read of their settings, through one secret box."""

    def __init__(self, box: SecretBox) -> None:
        self.box = box

    def values(self, session: Session, addon_id: str, schema: SettingsSchema,
               partner_id: int | None = None) -> dict[str, Any]:
        """Effective typed values for ``partner_id`` (Default partner and schema defaults underneath)."""
        return SettingsStore(session, self.box).values(addon_id, schema, partner_id)

    @staticmethod
    def choice_name(session: Session, relation: str, value, fallback: str) -> str:
        """The name of the row a relation setting holds, or ``fallback``."""
        return choice_name(session, relation, value, fallback)


class SettingsStore:
    """Settings of every add-on in one session; values typed by the add-on's schema."""

    def __init__(self, session: Session, box: SecretBox) -> None:
        self.session = session
        self.box = box

    def _rows(self, addon_id: str, partner_id: int) -> dict[str, ModuleSetting]:
        rows = self.session.execute(
            select(ModuleSetting).where(ModuleSetting.addon_id == addon_id, ModuleSetting.partner_id == partner_id)
        ).scalars()
        return {row.key: row for row in rows}

    def values(self, addon_id: str, schema: SettingsSchema, partner_id: int | None = None) -> dict[str, Any]:
        """Effective typed values: partner override, else the default partner's, else the schema default."""
        values = schema.defaults()
        layers = [DEFAULT_PARTNER] + ([partner_id] if partner_id else [])
        partner_keys = schema.partner_keys()
        for layer in layers:
            for key, row in self._rows(addon_id, layer).items():
                if key not in values or (layer != DEFAULT_PARTNER and key not in partner_keys):
                    continue
                field = schema.field(key)
                values[key] = self.box.open(row.value) if row.encrypted else field.load(row.value)
        return values

    def overridden_keys(self, addon_id: str, partner_id: int) -> set[str]:
        """Keys a partner overrides (the form marks them with ``*``)."""
        return set(self._rows(addon_id, partner_id)) if partner_id else set()

    def stored_secrets(self, addon_id: str, partner_id: int = DEFAULT_PARTNER) -> set[str]:
        return {k for k, row in self._rows(addon_id, partner_id).items() if row.encrypted}

    def seed_defaults(self, addon_id: str, schema: SettingsSchema) -> None:
        """Store defaults for keys not stored yet (first install; new keys on upgrade)."""
        stored = self._rows(addon_id, DEFAULT_PARTNER)
        for field in schema.fields():
            if field.key in stored or field.is_secret or field.default is None or field.type is FieldType.INFO:
                continue
            self.session.add(ModuleSetting(addon_id=addon_id, partner_id=DEFAULT_PARTNER, key=field.key,
                                           value=field.dump(field.default)))

    def validate(self, addon_id: str, schema: SettingsSchema, raw, partner_id: int = DEFAULT_PARTNER,
                 keys: set[str] | None = None) -> ValidationResult:
        """Check submitted values against the schema and what is in force for ``partner_id``."""
        return schema.validate(raw, resolver=host_choices(self.session), keys=keys,
                               secrets_present=self.stored_secrets(addon_id, partner_id),
                               current=self.values(addon_id, schema, partner_id or None))

    def save(self, addon_id: str, schema: SettingsSchema, values: dict[str, Any], *, actor: str,
             partner_id: int = DEFAULT_PARTNER) -> None:
        """Store validated values (caller commits) and audit the change, secrets redacted."""
        stored = self._rows(addon_id, partner_id)
        changed = {}
        for key, value in values.items():
            field = schema.field(key)
            text = self.box.seal(value) if field.is_secret else field.dump(value)
            row = stored.get(key)
            if row is None:
                self.session.add(ModuleSetting(addon_id=addon_id, partner_id=partner_id, key=key, value=text,
                                               encrypted=field.is_secret))
            elif field.is_secret or row.value != text:
                row.value, row.encrypted = text, field.is_secret
            else:
                continue
            changed[key] = value if not isinstance(value, (list, dict)) else list(value)
        if changed:
            secret_keys = {f.key for f in schema.fields() if f.is_secret}
            record(self.session, actor, "settings.update", f"{addon_id}/partner:{partner_id}",
                   {k: str(v) for k, v in changed.items()}, secret_keys=secret_keys)

    def forget(self, addon_id: str, partner_id: int, keys: set[str], *, actor: str) -> None:
        """Drop a partner's own values of ``keys``: they follow the Default partner again."""
        rows = [row for key, row in self._rows(addon_id, partner_id).items() if key in keys]
        for row in rows:
            self.session.delete(row)
        if rows:
            record(self.session, actor, "settings.reset", f"{addon_id}/partner:{partner_id}",
                   {"keys": ",".join(sorted(row.key for row in rows))})

    def reset_partner(self, addon_id: str, partner_id: int, *, actor: str) -> None:
        """Drop a partner's overrides so it inherits the defaults again."""
        self.session.execute(delete(ModuleSetting).where(ModuleSetting.addon_id == addon_id,
                                                         ModuleSetting.partner_id == partner_id))
        record(self.session, actor, "settings.reset", f"{addon_id}/partner:{partner_id}")

    def purge(self, addon_id: str) -> None:
        self.session.execute(delete(ModuleSetting).where(ModuleSetting.addon_id == addon_id))

    def display(self, addon_id: str, schema: SettingsSchema, partner_id: int | None = None) -> dict[str, str]:
        """Values for CLI and logs: secrets masked."""
        values = self.values(addon_id, schema, partner_id)
        secrets = self.stored_secrets(addon_id)
        return {f.key: (REDACTED if f.key in secrets else "") if f.is_secret else _text(values.get(f.key))
                for f in schema.fields() if f.key in values}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)
