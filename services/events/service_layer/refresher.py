"""Refresher due: one mail per registry event (the inbox makes it once) with the next dates and the personal link.

The training dates and the signed personal link belong to the trainings part of this service; the handler reaches
them through the small port `TrainingDates`, so that it can be written and tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from services.events.domain.commands import RemindRefresher
from services.events.domain.refresher import FIRST_TRAINING, MAX_DATES, REFRESHER, UpcomingDate, refresher_mail
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


class NoTrainingDates:
    """Until the trainings part is wired in: no dates, and a placeholder link.

    TODO(merge, issue 17): replace by the trainings part's real `next_dates` and signed token function (the
    personal link must carry the signed token of `/meine-schulungen/<token>`, bound to the address)."""

    PLACEHOLDER = "TODO-token"

    async def next_dates(self, kind: str, limit: int) -> Sequence[UpcomingDate]:
        return []

    def personal_link(
        self,
        name: str,
        email: str,
        counsellor_id: str | None,
        office_id: str | None,
        office_name: str,
        kinds: Sequence[str],
    ) -> str:
        return f"/meine-schulungen/{self.PLACEHOLDER}"  # TODO(merge): the signed token, never the address itself


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
