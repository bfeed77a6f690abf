"""Settings of the events service (environment prefix BERATUNGSNETZ_EVENTS_)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class EventsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BERATUNGSNETZ_EVENTS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/db/events.sqlite3"
