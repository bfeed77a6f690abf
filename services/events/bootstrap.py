"""Composition root of the events service: the only place its parts are wired together."""

from __future__ import annotations

from services.events import entrypoints
from services.events.adapters import orm
from services.events.config import EventsSettings
from shared.service import ServiceApp, run_service


def bootstrap(settings: EventsSettings | None = None) -> ServiceApp:
    app = ServiceApp.assemble("events", settings or EventsSettings(), orm.messaging)
    entrypoints.register(app)
    return app


def main() -> None:
    run_service(bootstrap())
