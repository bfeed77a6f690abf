"""Attaches every entrypoint of the service to its app; the bootstrap calls `register`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.events.entrypoints import nats, scheduler, subscribers
from services.events.service_layer.refresher import NoTrainingDates
from shared.clock import Clock
from shared.service import ServiceApp


def register(app: ServiceApp, uow: Callable[[], Any], clock: Clock) -> None:
    run, manual = scheduler.jobs(uow, clock, app.settings)
    nats.register(app.broker, uow, clock, manual, organizer=app.settings.calendar_organizer)
    # TODO(merge, issue 17): the trainings part's dates and signed personal links instead of NoTrainingDates
    subscribers.register(app, uow, NoTrainingDates())
    app.background.append(run)
