"""Composition root of the action-planning service: the only place its parts are wired together."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.events import entrypoints
from services.events.adapters import orm
from services.events.adapters.unit_of_work import EventsUnitOfWork
from services.events.config import EventsSettings
from shared.service import ServiceApp, run_service

BERLIN = ZoneInfo("Europe/Berlin")


def today() -> date:
    return datetime.now(BERLIN).date()


def bootstrap(settings: EventsSettings | None = None) -> ServiceApp:
    settings = settings or EventsSettings()
    app = ServiceApp.assemble("events", settings, orm.messaging)

    def uow() -> EventsUnitOfWork:
        unit = EventsUnitOfWork(app.database, orm.messaging, on_commit=app.relay.wake)
        unit.today = today
        return unit

    entrypoints.register(app, uow, today)
    return app


def main() -> None:
    run_service(bootstrap())
