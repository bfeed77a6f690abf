"""Events this service consumes: the registry's regional groups (for its replica), and erasures; each is
translated into a typed command (entrypoints/translate.py) and handed over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.events.entrypoints.translate import GROUP_EVENTS, follow_group, forget_person
from services.events.service_layer.replica import apply_group_event, apply_group_events, erase_person
from shared import context
from shared.contracts import notifications
from shared.messaging.consumer import DeliveryPolicy
from shared.service import ServiceApp

BATCH = 250  # events applied in one transaction at most


def register(app: ServiceApp, uow: Callable[[], Any]) -> None:
    async def on_group_event(envelope: Any) -> None:
        await apply_group_event(follow_group(envelope, context.current().stream_sequence or 0), uow())

    async def on_group_events(batch: list[tuple[Any, int]]) -> None:
        await apply_group_events([follow_group(envelope, sequence) for envelope, sequence in batch], uow())

    async def on_erased(envelope: Any) -> None:
        await erase_person(forget_person(envelope), uow())

    for payload in GROUP_EVENTS:  # a registry's worth of groups after a restart: applied in batches
        app.consume(payload, on_group_event, DeliveryPolicy(batch_size=BATCH), apply_many=on_group_events)
    app.consume(notifications.PersonErasedV1, on_erased)
