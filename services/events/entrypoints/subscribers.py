"""Registry events this service consumes: the regional groups it keeps a replica of."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.events.service_layer.replica import apply_group_event, erase_person
from shared import context
from shared.contracts import notifications, registry
from shared.messaging.consumer import subscribe_event
from shared.messaging.deadletter import DeadLetters

GROUP_EVENTS = (registry.GroupFormedV1, registry.GroupRenamedV1, registry.CoordinatorChangedV1,
                registry.GroupsMergedV1, registry.GroupDissolvedV1)  # fmt: skip


def register(broker: Any, uow: Callable[[], Any]) -> None:
    async def on_group_event(envelope: Any) -> None:
        await apply_group_event(envelope, context.current().stream_sequence or 0, uow())

    deadletters = DeadLetters(broker, "events")
    for payload in GROUP_EVENTS:
        subscribe_event(broker, payload, consumer="events", handler=on_group_event, deadletters=deadletters)

    async def on_erased(envelope: Any) -> None:
        await erase_person(envelope, uow())

    subscribe_event(broker, notifications.PersonErasedV1, consumer="events", handler=on_erased, deadletters=deadletters)
