"""The production guard: each weak setting is refused with a German message naming it; `test` only in the suite."""

from __future__ import annotations

import secrets

import pytest
from pydantic import ValidationError

from services.events.config import EventsSettings
from services.gateway.config import GatewaySettings
from services.notifications.config import NotificationsSettings
from services.registry.config import RegistrySettings
from shared import keys
from shared.settings import TEST_SUITE_ENV

BASE = {
    "environment": "production",
    "fingerprint_key": secrets.token_urlsafe(32),
    "database_url": "postgresql+asyncpg://dienst@db/beratungsnetz",
    "nats_user": "dienst",
    "nats_password": secrets.token_urlsafe(24),
}
COMMON = {**BASE, "link_key": secrets.token_urlsafe(32)}  # registry and events: their own link key
GATEWAY = {
    **BASE,
    "session_key": secrets.token_urlsafe(32),
    "public_url": "https://beratungsnetz.example",
    "admin_token": "bn_" + secrets.token_urlsafe(32),
}
NOTIFICATIONS = {**COMMON, "public_url": "https://beratungsnetz.example", "smtp_starttls": True}


def refused(settings_cls: type, **values: object) -> str:
    with pytest.raises(ValidationError) as error:
        settings_cls(**values)
    return str(error.value)


def test_a_strong_configuration_is_accepted_by_every_service() -> None:
    assert RegistrySettings(**COMMON).environment == "production"
    assert EventsSettings(**COMMON).environment == "production"
    assert NotificationsSettings(**NOTIFICATIONS).smtp_starttls
    assert NotificationsSettings(**{**NOTIFICATIONS, "smtp_starttls": False, "smtp_tls": True}).smtp_tls
    assert GatewaySettings(**GATEWAY).secure_cookies
    assert GatewaySettings(**{**GATEWAY, "admin_token": None}).admin_token is None  # an admin exists already
    assert RegistrySettings(**COMMON, secret_key_previous=secrets.token_hex(32)).secret_key_previous
    assert GatewaySettings(**GATEWAY, session_key_previous=secrets.token_hex(32)).session_key_previous


@pytest.mark.parametrize(
    "secret",
    ["a" * 32, "x" * 40, "ab" * 20, "kurz", "nur-fuer-die-entwicklung", "0123456789" * 2],
)
def test_a_weak_key_is_refused(secret: str) -> None:
    message = refused(RegistrySettings, **{**COMMON, "link_key": secret})
    assert "Unsichere Konfiguration für Produktion" in message and "LINK_KEY muss gesetzt und zufällig sein" in message
    message = refused(GatewaySettings, **{**GATEWAY, "session_key": secret})
    assert "SESSION_KEY muss gesetzt und zufällig sein" in message
    assert "FINGERPRINT_KEY ist kein zufälliger" in refused(EventsSettings, **{**COMMON, "fingerprint_key": secret})


def test_each_service_has_exactly_its_own_keys() -> None:
    other = secrets.token_urlsafe(32)
    for settings_cls, values in (
        (RegistrySettings, COMMON),
        (EventsSettings, COMMON),
        (NotificationsSettings, NOTIFICATIONS),
    ):
        assert "SESSION_KEY gehört nicht zu diesem Dienst" in refused(settings_cls, **values, session_key=other)
        assert "LINK_KEY muss gesetzt und zufällig sein (fehlt)" in refused(
            settings_cls, **{k: v for k, v in values.items() if k != "link_key"}
        )
    assert "LINK_KEY gehört nicht zu diesem Dienst" in refused(GatewaySettings, **GATEWAY, link_key=other)
    assert "LINK_KEY gehört nicht" in refused(GatewaySettings, **GATEWAY, link_key_previous=other)
    assert "SESSION_KEY muss gesetzt und zufällig sein (fehlt)" in refused(
        GatewaySettings, **{k: v for k, v in GATEWAY.items() if k != "session_key"}
    )
    for settings_cls, values in ((RegistrySettings, COMMON), (GatewaySettings, GATEWAY)):
        assert "FINGERPRINT_KEY muss in Produktion gesetzt sein" in refused(
            settings_cls, **{k: v for k, v in values.items() if k != "fingerprint_key"}
        )
        # the former shared secret: refused, with the way out named
        message = refused(settings_cls, **values, secret_key=other)
        assert "SECRET_KEY gibt es in Produktion nicht mehr" in message and "SECRET_KEY_PREVIOUS" in message


def test_a_service_signs_with_its_own_key_and_verifies_its_previous_ones() -> None:
    own, before, shared_secret = (secrets.token_urlsafe(32) for _ in range(3))
    registry = RegistrySettings(**COMMON)
    events = EventsSettings(
        **{**COMMON, "link_key": own, "link_key_previous": before, "secret_key_previous": shared_secret}
    )
    assert registry.keys(keys.LINKS)[0] != events.keys(keys.LINKS)[0]  # one service's key signs nothing of another's
    assert events.keys(keys.LINKS)[:3] == (
        keys.derive(own, keys.LINKS),
        keys.derive(before, keys.LINKS),
        keys.derive(shared_secret, keys.LINKS),  # links mailed before the switch to per-service keys
    )


def test_generated_secrets_are_strong_and_simple_ones_weak() -> None:
    for _ in range(200):
        assert keys.weakness(secrets.token_urlsafe(32)) is None
        assert keys.weakness(secrets.token_hex(16)) is None
    assert keys.weakness("a" * 32) and keys.weakness("a" * 31) == "mindestens 32 Zeichen"
    message = refused(RegistrySettings, **COMMON, secret_key_previous="a" * 40)
    assert "SECRET_KEY_PREVIOUS ist kein zufälliger Schlüssel" in message
    message = refused(RegistrySettings, **{**COMMON, "fingerprint_key": "b" * 40})
    assert "FINGERPRINT_KEY ist kein zufälliger Schlüssel" in message
    assert "LINK_KEY_PREVIOUS ist kein zufälliger" in refused(RegistrySettings, **COMMON, link_key_previous="c" * 40)


def test_nats_needs_user_and_password() -> None:
    assert "NATS_PASSWORD muss in Produktion gesetzt sein" in refused(
        EventsSettings, **{**COMMON, "nats_password": None}
    )
    assert "NATS_PASSWORD muss" in refused(EventsSettings, **{**COMMON, "nats_password": " "})
    assert "NATS_USER und NATS_PASSWORD" in refused(EventsSettings, **{**COMMON, "nats_user": None})


@pytest.mark.parametrize(  # fixed values: pytest-xdist's workers must collect the same test ids
    "token",
    [
        "x",
        "bn_kurz",
        "bn_" + "a" * 43,
        "H3ddsY5MoEnz-r1zyE117fbFEuJF70xO7x99GwOVi3M",
        "bn_NFaRHMYXmBfS-SpidCEKckyc6SUK2d",
    ],
    ids=["x", "kurz", "einfoermig", "ohne-praefix", "zu-kurz"],
)
def test_the_admin_token_must_be_a_generated_one(token: str) -> None:
    message = refused(GatewaySettings, **{**GATEWAY, "admin_token": token})
    assert "ADMIN_TOKEN muss ein erzeugtes Token sein" in message
    assert token not in message or len(token) < 2  # the token itself is never repeated


@pytest.mark.parametrize(
    "url",
    [
        "http://beratungsnetz.example",
        "https://localhost:8000",
        "https://127.0.0.1",
        "https://[::1]:8443",
        "https://app.localhost",
        "beratungsnetz.example",
    ],
)
@pytest.mark.parametrize(
    ("settings_cls", "values"), [(GatewaySettings, GATEWAY), (NotificationsSettings, NOTIFICATIONS)]
)
def test_public_url_must_be_public_and_https(settings_cls: type, values: dict, url: str) -> None:
    message = refused(settings_cls, **{**values, "public_url": url})
    assert "PUBLIC_URL muss" in message


def test_smtp_without_tls_only_for_a_relay_on_the_same_host() -> None:
    message = refused(NotificationsSettings, **{**NOTIFICATIONS, "smtp_starttls": False})
    assert "SMTP_STARTTLS oder SMTP_TLS muss in Produktion gesetzt sein" in message and "SMTP_LOCAL_RELAY" in message
    relay = NotificationsSettings(**{**NOTIFICATIONS, "smtp_starttls": False, "smtp_local_relay": True})
    assert relay.smtp_local_relay


def test_every_problem_is_named_in_one_message() -> None:
    message = refused(
        GatewaySettings,
        environment="production",
        session_key="a" * 32,
        nats_user="gateway",
        admin_token="x",
        public_url="http://127.0.0.1:8000",
        mailbox_dir="var/mail",
    )
    for name in (
        "SESSION_KEY",
        "FINGERPRINT_KEY",
        "DATABASE_URL",
        "NATS_PASSWORD",
        "ADMIN_TOKEN",
        "PUBLIC_URL",
        "MAILBOX_DIR",
    ):
        assert name in message, name
    assert message.count("Unsichere Konfiguration für Produktion") == 1


def test_test_is_refused_outside_the_test_suite(monkeypatch: pytest.MonkeyPatch) -> None:
    assert RegistrySettings(environment="test").environment == "test"  # tests/conftest.py set the marker
    monkeypatch.delenv(TEST_SUITE_ENV)
    for settings_cls in (RegistrySettings, EventsSettings, NotificationsSettings, GatewaySettings):
        assert "ENVIRONMENT=test ist nur in den Prozessen der Testsuite zulässig" in refused(
            settings_cls, environment="test"
        )
    monkeypatch.setenv("BERATUNGSNETZ_REGISTRY_ENVIRONMENT", "test")
    with pytest.raises(ValidationError, match="ENVIRONMENT=test"):
        RegistrySettings()
    monkeypatch.setenv(TEST_SUITE_ENV, "0")
    with pytest.raises(ValidationError, match="ENVIRONMENT=test"):
        RegistrySettings()
    assert RegistrySettings(environment="development").environment == "development"
