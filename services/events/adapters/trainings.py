"""Training dates at the edge: stored as their snapshot (with participants), sent without them, mailed with an .ics."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from icalendar import Event

from services.events.adapters import orm
from services.events.domain.training_mails import TrainingMail
from services.events.domain.trainings import (
    Costs,
    Details,
    Kind,
    Participant,
    ParticipantStatus,
    Training,
    TrainingAttended,
    TrainingChanged,
    TrainingPlanned,
    TrainingStatus,
)
from shared import ical
from shared.clock import BERLIN
from shared.contracts import events as c
from shared.contracts.envelope import EventPayload
from shared.db.snapshots import SnapshotRepository

ORGANIZER = "verteiler@beratungsnetz.example"  # the system's address: RFC 5546 wants an ORGANIZER with PUBLISH


def kind_of(key: str) -> Kind:
    k = c.TRAINING_KINDS[key]
    return Kind(k.key, k.label, k.qualifies_for, k.valid_months)


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


def training_ics(t: Training, stamp: datetime) -> str:
    """One date as a calendar to import (METHOD:PUBLISH); the UID stays the same for every mail of this date."""
    cal = ical.new_calendar("-//Beratungsnetz//Schulungen//DE", t.name, "PUBLISH")
    event = Event()
    event.add("uid", f"schulung-{t.id}@beratungsnetz")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", t.details.start.astimezone(BERLIN))
    event.add("dtend", t.details.end.astimezone(BERLIN))
    event.add("summary", t.name)
    event.add("status", "CANCELLED" if t.status == TrainingStatus.CANCELLED else "CONFIRMED")
    event.add("location", "online" if t.details.online and not t.details.place else t.details.place)
    event.add("organizer", ical.organizer(ORGANIZER, "Beratungsnetz – Schulungen"))
    if t.details.description:
        event.add("description", t.details.description)
    cal.add_component(event)
    return cal.to_ical().decode()


def mail_contract(m: TrainingMail, now: datetime) -> c.EventsMailRequestedV1:
    ics = training_ics(m.training, m.at or now) if m.with_ics and m.training else ""
    return c.EventsMailRequestedV1(
        to=m.to,
        to_name=m.to_name,
        kind=m.kind,
        subject=m.subject,
        text=m.text,
        link_path=m.link_path,
        link_label=m.link_label,
        ics=ics,
        reference=m.reference,
    )


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
