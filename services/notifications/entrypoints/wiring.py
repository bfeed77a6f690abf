"""Attaches every entrypoint of the service to its app; the bootstrap calls `register`."""

from __future__ import annotations

from services.notifications.entrypoints import nats, nats_archive, subscribers
from services.notifications.service_layer.ports import Deps
from shared.service import ServiceApp


def register(app: ServiceApp, deps: Deps) -> None:
    nats.register(app.broker, deps)
    nats_archive.register(app.broker, deps)
    subscribers.register(app, deps)
