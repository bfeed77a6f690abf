"""The trainings' part of the periodic job: the day-before reminders and the financial applications' deadlines."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from services.events.domain.training_commands import SendTrainingReminders
from services.events.domain.training_links import TrainingLinks
from services.events.service_layer.trainings import send_training_reminders
from shared import keys
from shared.clock import Clock


def links_of(settings: Any) -> TrainingLinks:
    """The signer of "Meine Schulungen" links, with the link key from `secret_key` (shared/keys.py)."""
    return TrainingLinks(*settings.keys(keys.LINKS, legacy=True))


def training_reminders(uow: Callable[[], Any], clock: Clock, settings: Any) -> Callable[[], Awaitable[int]]:
    links = links_of(settings)

    async def tick() -> int:
        cmd = SendTrainingReminders(clock.now(), settings.application_reminder_days, settings.state_office_address)
        return await send_training_reminders(cmd, uow(), links)

    return tick
