"""Attaches every entrypoint of the service to its app; the bootstrap calls `register`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.registry.domain.campaigns import SurveyLinks
from services.registry.entrypoints import campaigns, nats, qualifications
from services.registry.service_layer.campaigns import Surveys
from services.registry.service_layer.handlers import erase_person
from services.registry.service_layer.published import Published
from shared import keys
from shared.clock import Clock
from shared.contracts import notifications
from shared.service import ServiceApp


def register(app: ServiceApp, uow: Callable[[], Any], clock: Clock, published: Published) -> None:
    """Attach the registry's commands and queries to the app's broker (health is built in)."""
    settings: Any = app.settings
    nats.register(app.broker, uow, clock, published, warning_days=settings.refresher_warning_days)
    qualifications.register(
        app, uow, clock, settings.refresher_warning_days, settings.qualification_check_seconds, published
    )
    surveys = Surveys(
        SurveyLinks(*settings.keys(keys.LINKS, legacy=True)),
        clock.now,
        settings.survey_reminders_max,
        settings.survey_reminder_days,
    )
    campaigns.register(app.broker, uow, clock, surveys)
    app.background.append(campaigns.job(uow, surveys, settings.scheduler_seconds))

    async def on_erased(envelope: Any) -> None:
        await erase_person(envelope, uow())

    app.consume(notifications.PersonErasedV1, on_erased)
