"""Events this service consumes: the registry's regional groups (for its replica), and erasures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.events.service_layer.replica import apply_group_event, erase_person
from shared import context
from shared.contracts import notifications, registry
from shared.service import ServiceApp

GROUP_EVENTS = (registry.GroupFormedV1, registry.GroupRenamedV1, registry.CoordinatorChangedV1,
                registry.GroupsMergedV1, registry.GroupDissolvedV1)  # fmt: skip


def register(app: ServiceApp, uow: Callable[[], Any]) -> None:
    async def on_group_event(envelope: Any) -> None:
        await apply_group_event(envelope, context.current().stream_sequence or 0, uow())

    async def on_erased(envelope: Any) -> None:
        await erase_person(envelope, uow())

    for payload in GROUP_EVENTS:
        app.consume(payload, on_group_event)
    app.consume(notifications.PersonErasedV1, on_erased)
