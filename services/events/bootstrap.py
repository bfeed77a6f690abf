"""Composition root of the action-planning service: the only place its parts are wired together."""

from __future__ import annotations

from services.events.adapters import orm, registry_stream
from services.events.adapters.unit_of_work import EventsUnitOfWork
from services.events.config import EventsSettings
from services.events.entrypoints import wiring
from shared.service import ServiceApp, run_service


def bootstrap(settings: EventsSettings | None = None) -> ServiceApp:
    settings = settings or EventsSettings()
    app = ServiceApp.assemble("events", settings, orm.messaging)
    clock = app.clock  # the one clock of this service (tests move it): every handler, job and mapping reads it
    key = settings.fingerprints()

    def uow() -> EventsUnitOfWork:
        return EventsUnitOfWork(app.database, orm.messaging, clock, on_commit=app.relay.wake, fingerprint_key=key)

    wiring.register(app, uow, clock)
    app.readers.append(("REGISTRY", registry_stream.REBUILD_READER, registry_stream.GROUP_EVENTS))
    return app


def main() -> None:
    run_service(bootstrap())
