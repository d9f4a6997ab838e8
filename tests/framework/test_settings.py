"""Typed settings: conversion, per-field errors, defaults, secrets sealed and never echoed."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.secrets import REDACTED, SecretBox, SecretError
from core.settings import Field, FieldType, SchemaError, Section, SettingsSchema
from hostapp.models import AuditEntry, ModuleSetting
from hostapp.services.settings_store import SettingsStore
from tests.plugins.widgets import SETTINGS


def test_valid_submission_is_typed():
    result = SETTINGS.validate({
        "greeting": " Hi ", "fee": "2.50", "retries": "5", "mode": "live", "types": ["card", "ach"],
        "active": "1", "notes": "x", "url": "https://pay.example/api", "server_ip": "203.0.113.9",
        "method": "", "api_key": "k", "currency": "EUR"}, resolver=lambda name: [("3", "Credit card")])
    assert result.ok, result.errors
    assert result.values["greeting"] == "Hi"
    assert result.values["fee"] == Decimal("2.50")
    assert result.values["retries"] == 5
    assert result.values["types"] == ["card", "ach"]
    assert result.values["active"] is True
    assert result.values["method"] is None


def test_every_invalid_field_gets_its_own_message():
    result = SETTINGS.validate({
        "greeting": "", "fee": "abc", "retries": "-1", "mode": "sandbox", "types": ["bitcoin"],
        "url": "ftp://x", "server_ip": "300.1.1.1", "method": "99", "api_key": ""}, resolver=lambda n: [])
    assert result.errors == {
        "greeting": "This field is required.",
        "fee": "Enter a number such as 2.50.",
        "retries": "Must be at least 0.",
        "mode": "Choose one of the listed options.",
        "types": "Unknown choice: bitcoin",
        "url": "Enter a full URL starting with http:// or https://.",
        "server_ip": "Enter an IPv4 or IPv6 address such as 203.0.113.10.",
        "method": "Choose one of the listed options.",
        "api_key": "This field is required.",
    }


def test_schema_refuses_duplicate_keys_and_bad_defaults():
    with pytest.raises(SchemaError, match="declared twice"):
        SettingsSchema((Section("a", "A", (Field("k", "K"), Field("k", "K2"))),))
    with pytest.raises(SchemaError, match="default of 'n' is invalid"):
        SettingsSchema((Section("a", "A", (Field("n", "N", FieldType.NUMBER, default="ten"),)),))


def test_secret_box_round_trip_and_wrong_key(tmp_path):
    box = SecretBox.from_environment(tmp_path)
    token = box.seal("TERMINAL-42")
    assert "TERMINAL-42" not in token and box.open(token) == "TERMINAL-42"
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    other_key = SecretBox.from_environment(tmp_path / "other")
    with pytest.raises(SecretError, match="cannot be decrypted"):
        other_key.open(token)


@pytest.mark.parametrize("key", ["not base64!", "c2hvcnQ=", "A" * 44])
def test_secret_box_refuses_a_key_fernet_refuses_when_made(monkeypatch, tmp_path, key):
    monkeypatch.setenv("SPLYNX_SECRET_KEY", key)
    with pytest.raises(ValueError, match="32 url-safe base64-encoded bytes"):
        SecretBox.from_environment(tmp_path)


def test_secret_box_opens_with_a_key_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SPLYNX_SECRET_KEY", "x" * 43 + "=")
    assert SecretBox.from_environment(tmp_path).open(SecretBox(b"x" * 43 + b"=").seal("pin")) == "pin"


def test_store_layers_partner_overrides_and_seals_secrets(host, factory):
    partner = factory.partner()
    with host.db.transaction() as s:
        store = SettingsStore(s, host.box)
        store.seed_defaults("widgets", SETTINGS)
        store.save("widgets", SETTINGS, {"api_key": "default-key", "currency": "USD"}, actor="t")
        store.save("widgets", SETTINGS, {"currency": "EUR", "api_key": "partner-key"}, actor="t",
                   partner_id=partner.id)
    with host.db.transaction() as s:
        store = SettingsStore(s, host.box)
        assert store.values("widgets", SETTINGS)["currency"] == "USD"
        partner_values = store.values("widgets", SETTINGS, partner.id)
        assert (partner_values["currency"], partner_values["api_key"]) == ("EUR", "partner-key")
        assert partner_values["greeting"] == "Hello"
        assert store.overridden_keys("widgets", partner.id) == {"currency", "api_key"}
        stored = s.execute(select(ModuleSetting.value).where(ModuleSetting.key == "api_key")).scalars().all()
        assert all("key" not in value for value in stored)
        assert store.display("widgets", SETTINGS)["api_key"] == REDACTED
        audit = s.execute(select(AuditEntry)).scalars().all()
        assert all(e.details.get("api_key") in (None, REDACTED) for e in audit)


def test_empty_secret_keeps_the_stored_value(host):
    with host.db.transaction() as s:
        store = SettingsStore(s, host.box)
        store.save("widgets", SETTINGS, {"api_key": "first"}, actor="t")
        result = store.validate("widgets", SETTINGS, {"api_key": "", "greeting": "Yo"}, keys={"api_key", "greeting"})
        assert result.ok and "api_key" not in result.values


def test_instance_key_is_created_once_even_when_processes_race(tmp_path):
    import threading

    from core.secrets import instance_key

    keys, counter = [], iter(range(100))
    threads = [threading.Thread(target=lambda: keys.append(instance_key(tmp_path / "k.key",
                                                                           lambda: f"key-{next(counter)}".encode())))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(keys)) == 1 and keys[0].startswith(b"key-")
    assert (tmp_path / "k.key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["k.key"]
