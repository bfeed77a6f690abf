"""Events this service consumes: the registry's regional groups and survey campaigns (for its replicas), its
refresher notices, and erasures; each is translated into a typed command (entrypoints/translate.py) and handed over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.events.entrypoints.translate import (
    GROUP_EVENTS,
    follow_campaign,
    follow_group,
    forget_person,
    remind_refresher,
)
from services.events.service_layer.campaigns import apply_campaign_event
from services.events.service_layer.refresher import TrainingDates
from services.events.service_layer.refresher import remind_refresher as send_refresher_mail
from services.events.service_layer.replica import apply_group_event, apply_group_events, erase_person
from shared import context
from shared.contracts import notifications, registry
from shared.messaging.consumer import DeliveryPolicy
from shared.service import ServiceApp

BATCH = 250  # events applied in one transaction at most


def register(app: ServiceApp, uow: Callable[[], Any], trainings: TrainingDates) -> None:
    async def on_group_event(envelope: Any) -> None:
        await apply_group_event(follow_group(envelope, context.current().stream_sequence or 0), uow())

    async def on_group_events(batch: list[tuple[Any, int]]) -> None:
        await apply_group_events([follow_group(envelope, sequence) for envelope, sequence in batch], uow())

    async def on_campaign(envelope: Any) -> None:
        await apply_campaign_event(follow_campaign(envelope), uow())

    async def on_expiring(envelope: Any) -> None:
        await send_refresher_mail(remind_refresher(envelope), uow(), trainings)

    async def on_erased(envelope: Any) -> None:
        await erase_person(forget_person(envelope), uow())

    for payload in GROUP_EVENTS:  # a registry's worth of groups after a restart: applied in batches
        app.consume(payload, on_group_event, DeliveryPolicy(batch_size=BATCH), apply_many=on_group_events)
    app.consume(registry.CampaignProgressedV1, on_campaign)
    app.consume(registry.QualificationExpiringV1, on_expiring)
    app.consume(notifications.PersonErasedV1, on_erased)
