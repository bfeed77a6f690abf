"""Composition root of the notifications service: the only place its parts are wired together."""

from __future__ import annotations

from services.notifications import entrypoints
from services.notifications.adapters import orm
from services.notifications.config import NotificationsSettings
from shared.service import ServiceApp, run_service


def bootstrap(settings: NotificationsSettings | None = None) -> ServiceApp:
    app = ServiceApp.assemble("notifications", settings or NotificationsSettings(), orm.messaging)
    entrypoints.register(app)
    return app


def main() -> None:
    run_service(bootstrap())
