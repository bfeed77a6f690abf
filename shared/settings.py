"""The settings every service shares; each service adds its own env prefix and fields.

Read once in the composition root and passed in. In production insecure settings are refused (the production
guard: every problem in one German message naming the setting), so a forgotten or weak variable fails loudly at
start. `test` is only for the test suite's own processes: it skips the guard, so it is refused elsewhere.
"""

from __future__ import annotations

import os
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared import keys, privacy
from shared.clock import Clock, parse_instant
from shared.privacy import DEV_SECRET
from shared.retry import RetryPolicy

# Set by the test suite (tests/conftest.py, at import) and inherited by the service processes it starts; the drill
# sets it too. Without it `ENVIRONMENT=test` is refused, so that nobody runs a real system without the guard.
TEST_SUITE_ENV = "BERATUNGSNETZ_TEST_SUITE"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}  # noqa: S104 - names refused, nothing bound


def public_url_problem(url: str) -> str | None:
    """What is wrong with a production PUBLIC_URL (German), or None: https, a real host name."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        # Session cookies are `Secure` in production: over plain http no browser would send them back.
        return "PUBLIC_URL muss mit https:// beginnen"
    if not host or host in LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127."):
        return "PUBLIC_URL muss die öffentliche Adresse sein, nicht localhost oder 127.0.0.1"
    return None


_PURPOSE_SETTINGS = {keys.LINKS: "link_key", keys.SESSIONS: "session_key"}
_KEY_NAMES = ("link_key", "link_key_previous", "session_key", "session_key_previous", "fingerprint_key")


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BERATUNGSNETZ_", extra="ignore")
    needs_database: ClassVar[bool] = True
    # The purposes this service signs for (shared/keys.py). In production it must have exactly their keys and no
    # other: each service gets only its own secrets.
    key_purposes: ClassVar[tuple[str, ...]] = ()

    environment: Literal["development", "test", "production"] = "development"
    nats_url: str = "nats://127.0.0.1:4222"  # several nodes: comma-separated
    stream_replicas: int = 1  # 3 in the production cluster
    nats_user: str | None = None
    nats_password: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///var/db/service.sqlite3"
    database_schema: str | None = None
    secret_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET),
        description="Nur Entwicklung und Tests: aus ihm werden fehlende Schlüssel abgeleitet. In Produktion bekommt "
        "jeder Dienst stattdessen nur seine eigenen Schlüssel (LINK_KEY, SESSION_KEY, FINGERPRINT_KEY)",
    )
    secret_key_previous: SecretStr | None = Field(
        default=None,
        description="Der frühere gemeinsame SECRET_KEY: mit ihm signierte Links und Hinweise gelten weiter, "
        "bis er entfernt wird (für den Umstieg auf eigene Schlüssel je Dienst)",
    )
    link_key: SecretStr | None = Field(
        default=None,
        description="Signiert die Links in den Mails dieses Dienstes (nur registry, events und notifications, "
        "jeder Dienst einen eigenen); Standard außerhalb der Produktion: aus SECRET_KEY abgeleitet",
    )
    link_key_previous: SecretStr | None = Field(
        default=None, description="Der vorige LINK_KEY nach einem Wechsel: damit signierte Links gelten weiter"
    )
    session_key: SecretStr | None = Field(
        default=None,
        description="Signiert, was das Gateway dem Browser mitgibt (nur gateway); Standard außerhalb der Produktion: "
        "aus SECRET_KEY abgeleitet",
    )
    session_key_previous: SecretStr | None = Field(
        default=None, description="Der vorige SESSION_KEY nach einem Wechsel: damit signierte Hinweise gelten weiter"
    )
    fingerprint_key: SecretStr | None = Field(
        default=None,
        description="Schlüssel der Fingerabdrücke gelöschter und gesperrter Adressen (in allen Diensten derselbe, "
        "wechselt nie); in Produktion Pflicht, sonst Standard: SECRET_KEY",
    )
    log_level: str = "INFO"
    log_json: bool | None = Field(default=None, description="Standard: JSON außer in der Entwicklung")
    outbox_poll_seconds: float = 0.5
    # Waiting for NATS, a stream or a JetStream leader, and the outbox relay during an outage (shared/retry.py):
    retry_first_seconds: float = 0.2  # first pause; each one doubles ...
    retry_max_seconds: float = 5.0  # ... up to this
    retry_attempts: int = 15  # declaring streams and binding consumers give up after this many tries (about 50 s)
    instance_id: str = ""  # set by `beratungsnetz up` per process and echoed in health answers
    # Aufbewahrung (shared/retention.py): wie lange Gespeichertes bleibt; der Aufräumjob jedes Dienstes setzt es durch.
    retention_check_seconds: float = Field(
        default=3600.0, gt=0, description="Wie oft der Aufräumjob läuft (Sekunden); er läuft auch gleich beim Start"
    )
    retention_outbox_days: float = Field(
        default=7.0,
        ge=1,
        description="Veröffentlichte Ereignisse bleiben so viele Tage in der Outbox (zur Fehlersuche); "
        "noch nicht veröffentlichte bleiben immer",
    )
    retention_deadletter_days: float = Field(
        default=30.0,
        gt=0,
        description="Nachrichten im Dead-Letter-Stream (mit Inhalt und Grund) bleiben so viele Tage, "
        "dann löscht NATS sie (max_age des Streams)",
    )
    erasure_scrub_seconds: float = Field(
        default=5.0,
        gt=0,
        description="Löschung (Art. 17 DSGVO): wie oft der Dienst prüft, ob seine Streams noch Nachrichten über eine "
        "gelöschte Person enthalten, und sie dann sicher löscht",
    )
    erasure_scrub_grace_seconds: float = Field(
        default=10.0,
        ge=0,
        description="So lange nach einer Löschung wartet der Dienst, bis die Outbox alles Ausstehende veröffentlicht "
        "hat, bevor er seine Streams bereinigt",
    )
    clock_start: str | None = Field(
        default=None, description="Nur für Tests und Entwicklung: die Uhr beginnt bei diesem Zeitpunkt"
    )

    def clock(self) -> Clock:
        """The service's clock: the wall clock, or in tests one started at `clock_start`."""
        return Clock(parse_instant(self.clock_start) if self.clock_start else None)

    def retry(self) -> RetryPolicy:
        """How this process retries what may work a moment later."""
        return RetryPolicy(self.retry_first_seconds, self.retry_max_seconds, self.retry_attempts)

    @property
    def json_logs(self) -> bool:
        return self.log_json if self.log_json is not None else self.environment != "development"

    @field_validator("secret_key_previous", *_KEY_NAMES, mode="before")
    @classmethod
    def _no_previous_when_empty(cls, value: object) -> object:
        """An empty variable (docker-compose's `${…:-}`) means none."""
        return None if value in ("", None) or (isinstance(value, SecretStr) and not value.get_secret_value()) else value

    def keys(self, purpose: str, *, legacy: bool = False) -> tuple[bytes, ...]:
        """The keys for one purpose (shared/keys.py): the first signs, all verify. The current one comes from the
        purpose's own setting (LINK_KEY, SESSION_KEY), else from SECRET_KEY; the previous ones are the purpose's
        `…_PREVIOUS` and the former shared SECRET_KEY_PREVIOUS."""
        name = _PURPOSE_SETTINGS[purpose]
        current = getattr(self, name) or self.secret_key
        previous = [p.get_secret_value() for p in (getattr(self, f"{name}_previous"), self.secret_key_previous) if p]
        return keys.verifying(purpose, current.get_secret_value(), *previous, legacy=legacy)

    def fingerprint_secret(self) -> str:
        """What erasure fingerprints are keyed with: FINGERPRINT_KEY, else SECRET_KEY (shared/keys.py says why)."""
        return (self.fingerprint_key or self.secret_key).get_secret_value()

    def fingerprints(self) -> bytes:
        """The erasure fingerprint key (shared/privacy.py `fingerprint_key`)."""
        return privacy.fingerprint_key(self.fingerprint_secret())

    def production_problems(self) -> list[str]:
        """Each insecure setting, in German, naming it; a service's settings add their own."""
        problems = []
        if self.secret_key.get_secret_value() != DEV_SECRET:
            problems.append(
                "SECRET_KEY gibt es in Produktion nicht mehr: jeder Dienst bekommt nur seine eigenen Schlüssel "
                "(LINK_KEY, SESSION_KEY, FINGERPRINT_KEY; deploy/README.md „Schlüssel“); den bisherigen Wert als "
                "SECRET_KEY_PREVIOUS und FINGERPRINT_KEY eintragen, damit alte Links und Löschungen gelten"
            )
        for purpose, name in _PURPOSE_SETTINGS.items():
            setting = name.upper()
            if purpose in self.key_purposes:
                value = getattr(self, name)
                weak = "fehlt" if value is None else keys.weakness(value.get_secret_value())
                if weak:
                    problems.append(f"{setting} muss gesetzt und zufällig sein ({weak})")
            elif getattr(self, name) is not None or getattr(self, f"{name}_previous") is not None:
                problems.append(
                    f"{setting} gehört nicht zu diesem Dienst: jeder Dienst bekommt nur seine eigenen Schlüssel"
                )
        for name in ("secret_key_previous", "link_key_previous", "session_key_previous"):
            value = getattr(self, name)
            if value is not None and (weak := keys.weakness(value.get_secret_value())):
                problems.append(f"{name.upper()} ist kein zufälliger Schlüssel ({weak})")
        if self.fingerprint_key is None:
            problems.append("FINGERPRINT_KEY muss in Produktion gesetzt sein (in allen Diensten derselbe)")
        elif weak := keys.weakness(self.fingerprint_key.get_secret_value()):
            problems.append(f"FINGERPRINT_KEY ist kein zufälliger Schlüssel ({weak})")
        if self.needs_database and self.database_url.startswith("sqlite"):
            problems.append("DATABASE_URL muss in Produktion auf PostgreSQL zeigen")
        if not self.nats_user:
            problems.append("NATS_USER und NATS_PASSWORD müssen in Produktion gesetzt sein")
        elif self.nats_password is None or not self.nats_password.get_secret_value().strip():
            problems.append("NATS_PASSWORD muss in Produktion gesetzt sein")
        return problems

    @model_validator(mode="after")
    def _refuse_insecure_defaults(self) -> ServiceSettings:
        if self.environment == "test" and os.environ.get(TEST_SUITE_ENV) != "1":
            raise ValueError(
                "ENVIRONMENT=test ist nur in den Prozessen der Testsuite zulässig (es schaltet alle Prüfungen ab); "
                "im Betrieb production, lokal development"
            )
        if self.clock_start and self.environment == "production":
            raise ValueError("CLOCK_START ist nur für Tests und Entwicklung da, nie in Produktion")
        if self.environment != "production":
            return self
        problems = self.production_problems()
        if problems:
            raise ValueError("Unsichere Konfiguration für Produktion: " + "; ".join(problems))
        return self
