"""Settings of the gateway (environment prefix BERATUNGSNETZ_GATEWAY_)."""

from __future__ import annotations

import re
from ipaddress import ip_network

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from shared import keys
from shared.settings import ServiceSettings, public_url_problem

ADMIN_TOKEN = re.compile(r"bn_[A-Za-z0-9_-]{40,}")  # as `beratungsnetz up` and the gateway make them
FRAME_SOURCE = re.compile(r"\*|'self'|https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?")


class GatewaySettings(ServiceSettings):
    key_purposes = (keys.SESSIONS,)  # SESSION_KEY signs the browser's notices (shared/keys.py)
    model_config = SettingsConfigDict(env_prefix="BERATUNGSNETZ_GATEWAY_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/db/gateway.sqlite3"  # API tokens, web sessions, stored hashed
    host: str = "127.0.0.1"
    port: int = 8000
    listen_fd: int | None = None  # a socket already bound by `beratungsnetz up`; then HOST/PORT are not bound again
    request_timeout: float = 2.0  # a service that does not answer in time means 503, never a hang
    directory_max_age: float = 1.0  # seconds a directory page is served without asking the registry again
    admin_address: str = "landesbuero@beratungsnetz.example"  # always has the web role "verwaltung" (admin)
    admin_token: SecretStr | None = None  # the first admin token, if no admin exists yet
    public_url: str = "http://127.0.0.1:8000"  # the gateway's own origin: links in mails, the CSRF origin check
    session_idle_hours: float = 8.0  # a web session ends after this long without a request
    retention_expired_days: float = Field(
        default=7.0,
        ge=0,
        description="Anmeldelinks und beendete Sitzungen werden so viele Tage nach ihrem Ablauf gelöscht "
        "(Aufräumjob, services/gateway/adapters/retention.py)",
    )
    mailbox_dir: str | None = None  # local mailbox pages over the SMTP sink's .eml files (development only)
    # Who may show /verzeichnis/einbetten in a frame: "*" (any site) or origins separated by spaces,
    # e.g. "https://www.example.org https://kv.example.org" (CSP frame-ancestors). All other pages: nobody.
    embed_frame_ancestors: str = "*"
    trusted_proxies: str = Field(
        default="",
        description="Vertrauenswürdige Reverse-Proxys (IP-Adressen oder Netze wie 10.0.0.0/8, durch Leerzeichen oder "
        "Komma getrennt). Nur wenn die Verbindung von einem von ihnen kommt, gilt X-Forwarded-For als Adresse des "
        "Aufrufers (für die Begrenzung der öffentlichen Formulare); leer: immer die Adresse der Verbindung. Hinter "
        "einem Proxy setzen, sonst zählen alle Aufrufer als einer",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies(cls, value: str) -> str:
        try:
            return " ".join(str(ip_network(item, strict=False)) for item in value.replace(",", " ").split())
        except ValueError:
            raise ValueError(
                "TRUSTED_PROXIES: IP-Adressen oder Netze wie „10.0.0.1“ oder „10.0.0.0/8“, durch Leerzeichen getrennt"
            ) from None

    @field_validator("embed_frame_ancestors")
    @classmethod
    def _frame_ancestors(cls, value: str) -> str:
        sources = value.split()
        if not sources or not all(FRAME_SOURCE.fullmatch(source) for source in sources):
            raise ValueError(
                "EMBED_FRAME_ANCESTORS: „*“ oder Adressen wie „https://www.example.org“, durch Leerzeichen getrennt"
            )
        return " ".join(sources)

    @property
    def secure_cookies(self) -> bool:
        return self.environment not in ("development", "test")

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if self.mailbox_dir:
            problems.append("MAILBOX_DIR (das lokale Postfach) ist nur für die Entwicklung da")
        url = public_url_problem(self.public_url)
        if url:
            problems.append(url)
        token = self.admin_token.get_secret_value() if self.admin_token else None
        if token is not None and (not ADMIN_TOKEN.fullmatch(token) or keys.weakness(token[3:], 40)):
            problems.append(
                "ADMIN_TOKEN muss ein erzeugtes Token sein: bn_ und mindestens 40 zufällige Zeichen "
                "(z. B. python -c 'import secrets; print(\"bn_\" + secrets.token_urlsafe(32))')"
            )
        return problems
