"""Training dates at the edge: stored as their snapshot (with participants), sent without them, mailed with an .ics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.events.adapters import orm
from services.events.adapters.training_calendar import mail_contract
from services.events.adapters.training_kinds import kind_of
from services.events.domain.training_mails import TrainingMail
from services.events.domain.trainings import (
    Costs,
    Details,
    Participant,
    ParticipantStatus,
    Training,
    TrainingAttended,
    TrainingChanged,
    TrainingPlanned,
    TrainingStatus,
)
from shared.clock import BERLIN
from shared.contracts import events as c
from shared.contracts.envelope import EventPayload
from shared.db.snapshots import SnapshotRepository


def participant_contract(t: Training, p: Participant) -> c.ParticipantV1:
    return c.ParticipantV1(
        participant_id=p.id,
        name=p.name,
        email=p.email,
        status=p.status,
        registered_at=p.registered_at,
        counsellor_id=p.counsellor_id,
        office_id=p.office_id,
        office_name=p.office_name,
        waiting_position=t.waiting_position(p),
    )


def training_snapshot(t: Training, participants: bool = True) -> c.TrainingSnapshot:
    d, registered = t.details, t.with_status(ParticipantStatus.REGISTERED)
    costs = t.costs and c.CostsV1(
        expected_cents=t.costs.expected_cents,
        application_due=t.costs.application_due,
        status=t.costs.status,
        note=t.costs.note,
    )
    return c.TrainingSnapshot(
        training_id=t.id,
        kind=d.kind.key,
        kind_label=d.kind.label,
        title=d.title,
        start=d.start,
        end=d.end,
        online=d.online,
        place=d.place,
        capacity=d.capacity,
        trainer_name=d.trainer_name,
        trainer_email=d.trainer_email,
        description=d.description,
        status=t.status,
        registered=len(registered),
        waiting=len(t.waiting()),
        free=t.free(),
        participants=[participant_contract(t, p) for p in t.participants] if participants else [],
        costs=costs,
    )


def training_domain(s: c.TrainingSnapshot) -> Training:
    start, end = s.start.astimezone(BERLIN), s.end.astimezone(BERLIN)
    details = Details(
        kind_of(s.kind),
        s.title,
        start,
        end,
        s.online,
        s.place,
        s.capacity,
        s.trainer_name,
        s.trainer_email,
        s.description,
    )
    participants = [
        Participant(
            p.participant_id,
            p.name,
            p.email,
            ParticipantStatus(p.status),
            p.registered_at,
            p.counsellor_id,
            p.office_id,
            p.office_name,
        )
        for p in s.participants
    ]
    costs = s.costs and Costs(s.costs.expected_cents, s.costs.application_due, s.costs.status, s.costs.note)
    return Training(s.training_id, details, TrainingStatus(s.status), participants, costs)


class TrainingRepository(SnapshotRepository[Training]):
    table = orm.trainings
    to_data = staticmethod(lambda t: training_snapshot(t).model_dump(mode="json"))
    from_data = staticmethod(lambda data: training_domain(c.TrainingSnapshot.model_validate(data)))

    def _columns(self, item: Training, data: dict) -> dict[str, Any]:
        return {"day": item.day, "status": str(item.status)}

    async def list(self, status: str | None = None, day: date | None = None) -> list[Training]:
        return await super().list(status=status, day=day)


TRAINING_EVENTS = (TrainingPlanned, TrainingChanged, TrainingAttended, TrainingMail)


def event_contract(event: object, now: datetime) -> EventPayload:
    """A training's domain event (or a mail to send) as its wire contract: snapshots without participants."""
    if isinstance(event, TrainingMail):
        return mail_contract(event, now)
    if isinstance(event, TrainingAttended):
        t, p, kind = event.training, event.participant, event.training.details.kind
        return c.TrainingAttendedV1(
            training_id=t.id,
            kind=kind.key,
            title=t.name,
            on=event.on,
            qualifies_for=kind.qualifies_for if event.until else "",
            until=event.until,
            name=p.name,
            email=p.email,
            counsellor_id=p.counsellor_id,
            office_id=p.office_id,
        )
    wire = c.TrainingPlannedV1 if isinstance(event, TrainingPlanned) else c.TrainingChangedV1
    return wire(training=training_snapshot(event.training, participants=False))
