"""Composition root of the notifications service: the only place its parts are wired together."""

from __future__ import annotations

from services.notifications import entrypoints
from services.notifications.adapters import orm
from services.notifications.config import NotificationsSettings
from shared.db import make_database
from shared.messaging.broker import make_broker
from shared.messaging.outbox import OutboxRelay, jetstream_publisher
from shared.service import ServiceApp, run_service


def bootstrap(settings: NotificationsSettings | None = None) -> ServiceApp:
    settings = settings or NotificationsSettings()
    database = make_database(settings.database_url, schema=settings.database_schema)
    broker = make_broker(settings)
    relay = OutboxRelay(
        database, orm.messaging.outbox, jetstream_publisher(broker), poll_seconds=settings.outbox_poll_seconds
    )
    app = ServiceApp("notifications", settings, broker, database, relay)
    entrypoints.register(app)
    return app


def main() -> None:
    run_service(bootstrap())
