"""Attaches every entrypoint of the service to its app; the bootstrap calls `register`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.registry.entrypoints import nats, qualifications
from services.registry.service_layer.handlers import erase_person
from services.registry.service_layer.published import Published
from shared.clock import Clock
from shared.contracts import notifications
from shared.service import ServiceApp


def register(app: ServiceApp, uow: Callable[[], Any], clock: Clock, published: Published) -> None:
    """Attach the registry's commands and queries to the app's broker (health is built in)."""
    settings: Any = app.settings
    nats.register(app.broker, uow, clock, published, warning_days=settings.refresher_warning_days)
    qualifications.register(app, uow, clock, settings.refresher_warning_days, settings.qualification_check_seconds)

    async def on_erased(envelope: Any) -> None:
        await erase_person(envelope, uow())

    app.consume(notifications.PersonErasedV1, on_erased)
