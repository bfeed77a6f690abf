"""Settings of the action-planning service (environment prefix BERATUNGSNETZ_EVENTS_)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared import keys
from shared.settings import ServiceSettings


class EventsSettings(ServiceSettings):
    key_purposes = (keys.LINKS,)  # its own LINK_KEY signs its links (shared/keys.py)
    model_config = SettingsConfigDict(env_prefix="BERATUNGSNETZ_EVENTS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/db/events.sqlite3"
    reminder_days_before: int = 7  # responsible people hear of a due date this many days ahead
    scheduler_seconds: float = 300.0  # how often reminders and the report are checked
    progress_interval_seconds: int = 7 * 24 * 3600  # the progress report's period (weekly)
    progress_reports: bool = True
    calendar_organizer: str = (
        "verteiler@beratungsnetz.example"  # ORGANIZER of the public calendars (the mailing address)
    )
    # Training dates (issue 17): how many days before a financial application's deadline the state office hears.
    application_reminder_days: int = 14
    state_office_address: str = "landesgeschaeftsstelle@beratungsnetz.example"
