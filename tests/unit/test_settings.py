"""Settings: one prefix per service, insecure defaults refused outside development."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.events.config import EventsSettings
from services.registry.config import RegistrySettings


def test_each_service_reads_its_own_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BERATUNGSNETZ_REGISTRY_NATS_URL", "nats://127.0.0.1:5000")
    monkeypatch.setenv("BERATUNGSNETZ_EVENTS_NATS_URL", "nats://127.0.0.1:6000")
    assert RegistrySettings().nats_url == "nats://127.0.0.1:5000"
    assert EventsSettings().nats_url == "nats://127.0.0.1:6000"
    assert RegistrySettings().database_url.endswith("var/db/registry.sqlite3")


def test_development_logs_to_the_console_production_as_json() -> None:
    assert RegistrySettings(environment="development").json_logs is False
    assert RegistrySettings(environment="test").json_logs is True


def test_production_refuses_insecure_defaults() -> None:
    with pytest.raises(ValidationError) as error:
        RegistrySettings(environment="production")
    message = str(error.value)
    assert "SECRET_KEY" in message and "PostgreSQL" in message and "NATS_USER" in message


def test_production_accepts_a_complete_configuration() -> None:
    settings = RegistrySettings(
        environment="production",
        secret_key="x" * 40,
        database_url="postgresql+asyncpg://registry@db/beratungsnetz",
        nats_user="registry",
        nats_password="geheim",
    )
    assert settings.json_logs is True
