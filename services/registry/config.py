"""Settings of the registry service (environment prefix BERATUNGSNETZ_REGISTRY_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared import keys
from shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    key_purposes = (keys.LINKS,)  # its own LINK_KEY signs its links (shared/keys.py)
    model_config = SettingsConfigDict(env_prefix="BERATUNGSNETZ_REGISTRY_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/db/registry.sqlite3"
    demo_data: bool = False  # load the demo register from the seed documents into an empty database
    refresher_warning_days: int = 42  # a qualification ending within this many days is due for a refresher
    qualification_check_seconds: float = 300.0  # how often ending and lapsed qualifications are checked
    # Survey campaigns (issue 17): reminders to those who have not submitted, at most this many, this many days apart
    survey_reminders_max: int = 2
    survey_reminder_days: int = 7
    scheduler_seconds: float = 300.0  # how often invitations, reminders and ended campaigns are checked
    # Aufbewahrung (services/registry/adapters/retention.py), durchgesetzt vom Aufräumjob des Dienstes:
    retention_survey_answer_days: int = Field(
        default=90,
        ge=0,
        description="Antworten einer Umfrage (mit Name und Adresse) bleiben so viele Tage nach deren letztem Tag; "
        "die Zählung (wer geantwortet hat, je Kreisverband) bleibt",
    )
    retention_audit_days: float = Field(
        default=730.0,
        gt=0,
        description="Der Änderungsverlauf der Beratungsstellen (wer hat wann was geändert) bleibt so viele Tage "
        "(Standard: zwei Jahre)",
    )
