"""Settings of the gateway (environment prefix BERATUNGSNETZ_GATEWAY_)."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BERATUNGSNETZ_GATEWAY_", extra="ignore")

    needs_database: ClassVar[bool] = False  # the gateway keeps no state of its own

    host: str = "127.0.0.1"
    port: int = 8000
    request_timeout: float = 2.0  # a service that does not answer in time means 503, never a hang
