"""Refresher due: one mail per registry event (the inbox makes it once) with the next dates and the personal link.

The training dates and the signed personal link belong to the trainings part of this service; the handler reaches
them through the small port `TrainingDates` (`ScheduledTrainingDates` in the service), so that it can be tested alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from services.events.domain.commands import RemindRefresher
from services.events.domain.refresher import FIRST_TRAINING, MAX_DATES, REFRESHER, UpcomingDate, refresher_mail
from services.events.domain.training_links import TrainingLinks
from services.events.domain.trainings import Person
from services.events.service_layer import trainings
from services.events.service_layer.unit_of_work import UnitOfWork


class TrainingDates(Protocol):
    async def next_dates(self, kind: str, limit: int) -> Sequence[UpcomingDate]:
        """The next (up to `limit`) planned, not cancelled dates of `kind`, soonest first."""

    def personal_link(
        self,
        name: str,
        email: str,
        counsellor_id: str | None,
        office_id: str | None,
        office_name: str,
        kinds: Sequence[str],
    ) -> str:
        """The path of the person's page "Meine Schulungen": `/meine-schulungen/<signed token>`."""


class ScheduledTrainingDates:
    """The trainings part of this service behind the port: its planned dates and its signed personal links."""

    def __init__(self, uow: Callable[[], UnitOfWork], links: TrainingLinks) -> None:
        self._uow, self._links = uow, links

    async def next_dates(self, kind: str, limit: int) -> Sequence[UpcomingDate]:
        return [
            UpcomingDate(
                training_id=t.id,
                kind_label=t.details.kind.label,
                title=t.details.title,
                start=t.details.start,
                end=t.details.end,
                online=t.details.online,
                place=t.details.place,
            )
            for t in await trainings.next_dates(self._uow(), kind, limit)
        ]

    def personal_link(
        self,
        name: str,
        email: str,
        counsellor_id: str | None,
        office_id: str | None,
        office_name: str,
        kinds: Sequence[str],
    ) -> str:
        person = Person(name, email, counsellor_id, office_id, office_name, tuple(kinds))
        return trainings.personal_link_path(self._links, person)


async def remind_refresher(cmd: RemindRefresher, uow: UnitOfWork, trainings: TrainingDates) -> bool:
    """Mail the person the next refresher dates (else the next first trainings); False if already handled."""
    kind, dates = REFRESHER, list(await trainings.next_dates(REFRESHER, MAX_DATES))
    if not dates:
        kind, dates = FIRST_TRAINING, list(await trainings.next_dates(FIRST_TRAINING, MAX_DATES))
    link = trainings.personal_link(
        cmd.name, cmd.email, cmd.counsellor_id, cmd.office_id, cmd.office_name, (REFRESHER, FIRST_TRAINING)
    )
    async with uow:
        if not await uow.claim(cmd.event):
            return False
        uow.emit(refresher_mail(cmd.name, cmd.email, cmd.qualifies_for, cmd.until, dates, kind, link))
        await uow.commit()
    return True
