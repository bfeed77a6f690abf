"""Events from the registry and action planning that become lists and mails here: each is translated
into a typed command (entrypoints/translate.py) and handed to the bus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.notifications.entrypoints.translate import TRANSLATIONS
from services.notifications.service_layer import handlers
from services.notifications.service_layer.ports import Deps
from shared.service import ServiceApp


def register(app: ServiceApp, deps: Deps) -> None:
    for payload, translate in TRANSLATIONS.items():
        app.consume(payload, _bound(translate, deps))


def _bound(translate: Callable[[Any], object], deps: Deps) -> Callable[[Any], Any]:
    async def handle(envelope: Any) -> None:
        await handlers.handle(translate(envelope), deps)

    return handle
