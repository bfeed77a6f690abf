"""Entrypoints of action planning: NATS request handlers, registry subscribers, the periodic job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from services.events.entrypoints import nats, scheduler, subscribers
from shared.service import ServiceApp


def register(app: ServiceApp, uow: Callable[[], Any], today: Callable[[], date]) -> None:
    run, manual = scheduler.jobs(uow, today, app.settings)
    nats.register(app.broker, uow, today, manual, organizer=app.settings.calendar_organizer)
    subscribers.register(app, uow)
    app.background.append(run)
