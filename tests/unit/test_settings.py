"""Settings: one prefix per service, insecure defaults refused outside development."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from pydantic import ValidationError

from services.events.config import EventsSettings
from services.registry.config import RegistrySettings
from shared.clock import BERLIN, german_date

SECRET = "Jq3v0Zk8rT1mWx5yLb7NcD2fGh4pQs6uVe9aXo0iKlM"  # as secrets.token_urlsafe(32) makes them
KEYS = {"link_key": SECRET, "fingerprint_key": SECRET[::-1]}


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
    assert "LINK_KEY" in message and "FINGERPRINT_KEY" in message and "PostgreSQL" in message and "NATS_USER" in message


def test_production_accepts_a_complete_configuration() -> None:
    settings = RegistrySettings(
        environment="production",
        **KEYS,
        database_url="postgresql+asyncpg://registry@db/beratungsnetz",
        nats_user="registry",
        nats_password="geheim",
    )
    assert settings.json_logs is True


def test_a_started_clock_runs_on_from_its_day_and_never_in_production() -> None:
    clock = RegistrySettings(environment="test", clock_start="2028-02-29").clock()
    assert clock.fixed and clock.today() == date(2028, 2, 29)
    assert clock.now().astimezone(BERLIN).replace(microsecond=0, second=0).time() == time(10, 0)  # 10:00 Berlin
    dst = RegistrySettings(clock_start="2027-03-28T01:30+01:00").clock()  # the night summer time begins
    dst.advance(timedelta(hours=1))
    assert dst.now().astimezone(BERLIN).hour == 3  # 02:30 does not exist that night
    assert not RegistrySettings().clock().fixed
    with pytest.raises(ValidationError, match="CLOCK_START"):
        RegistrySettings(
            environment="production",
            clock_start="2028-02-29",
            **KEYS,
            database_url="postgresql+asyncpg://r@db/b",
            nats_user="r",
            nats_password="p",
        )


def test_the_gateway_refuses_the_local_mailbox_in_production() -> None:
    from services.gateway.config import GatewaySettings

    secure = {
        "environment": "production",
        "session_key": SECRET,
        "fingerprint_key": SECRET[::-1],
        "database_url": "postgresql+asyncpg://gateway@db/beratungsnetz",
        "nats_user": "gateway",
        "nats_password": "geheim",
        "public_url": "https://beratungsnetz.example",
    }
    assert GatewaySettings(**secure).secure_cookies is True
    with pytest.raises(ValidationError, match="PUBLIC_URL muss mit https:// beginnen"):
        GatewaySettings(**{**secure, "public_url": "http://beratungsnetz.example"})
    with pytest.raises(ValidationError, match="MAILBOX_DIR .*nur für die Entwicklung"):
        GatewaySettings(**secure, mailbox_dir="var/mail")
    assert GatewaySettings(environment="test", mailbox_dir="var/mail").secure_cookies is False


def test_a_day_reads_as_german_text() -> None:
    assert german_date(date(2026, 11, 1)) == "1. November 2026"
    assert german_date("2027-03-28") == "28. März 2027"  # a text's version, stored as an ISO date
    assert german_date("Entwurf") == "Entwurf"  # not a date: shown as it is
