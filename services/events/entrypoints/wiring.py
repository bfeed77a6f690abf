"""Attaches every entrypoint of the service to its app; the bootstrap calls `register`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.events.entrypoints import nats, scheduler, subscribers, training_nats
from services.events.entrypoints.training_scheduler import links_of
from services.events.service_layer.refresher import ScheduledTrainingDates
from shared.clock import Clock
from shared.service import ServiceApp


def register(app: ServiceApp, uow: Callable[[], Any], clock: Clock) -> None:
    run, manual = scheduler.jobs(uow, clock, app.settings)
    nats.register(app.broker, uow, clock, manual, organizer=app.settings.calendar_organizer)
    training_nats.register(app.broker, uow, clock, links_of(app.settings))
    subscribers.register(app, uow, ScheduledTrainingDates(uow, links_of(app.settings)))
    app.background.append(run)
