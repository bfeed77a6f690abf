"""Settings of the notifications service (environment prefix BERATUNGSNETZ_NOTIFICATIONS_)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BERATUNGSNETZ_NOTIFICATIONS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/db/notifications.sqlite3"
