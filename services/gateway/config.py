"""Settings of the gateway (environment prefix BERATUNGSNETZ_GATEWAY_)."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BERATUNGSNETZ_GATEWAY_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/db/gateway.sqlite3"  # API tokens, stored hashed
    host: str = "127.0.0.1"
    port: int = 8000
    listen_fd: int | None = None  # a socket already bound by `beratungsnetz up`; then HOST/PORT are not bound again
    request_timeout: float = 2.0  # a service that does not answer in time means 503, never a hang
    directory_max_age: float = 1.0  # seconds a directory page is served without asking the registry again
    admin_address: str = "landesbuero@beratungsnetz.example"
    admin_token: SecretStr | None = None  # the first admin token, if no admin exists yet
