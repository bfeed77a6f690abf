"""Composition root of the events service: the only place its parts are wired together."""

from __future__ import annotations

from services.events import entrypoints
from services.events.adapters import orm
from services.events.config import EventsSettings
from shared.db import make_database
from shared.messaging.broker import make_broker
from shared.messaging.outbox import OutboxRelay, jetstream_publisher
from shared.service import ServiceApp, run_service


def bootstrap(settings: EventsSettings | None = None) -> ServiceApp:
    settings = settings or EventsSettings()
    database = make_database(settings.database_url, schema=settings.database_schema)
    broker = make_broker(settings)
    relay = OutboxRelay(
        database, orm.messaging.outbox, jetstream_publisher(broker), poll_seconds=settings.outbox_poll_seconds
    )
    app = ServiceApp("events", settings, broker, database, relay)
    entrypoints.register(app)
    return app


def main() -> None:
    run_service(bootstrap())
