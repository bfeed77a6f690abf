"""Training dates (issue 17): capacity, a waiting list that moves up by itself, attendance that qualifies.

A training is a dated event with participants. Registering when it is full puts a person on the waiting list;
when a registered person cancels, the first waiting one moves up. Recorded attendance grants or renews what the
kind of training qualifies for, for `valid_months` calendar months from the training's day in Berlin.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from services.events.domain.errors import Conflict, InvalidInput, NotFound
from shared.aggregate import Recording
from shared.clock import BERLIN


class TrainingStatus(StrEnum):
    PLANNED = "geplant"
    CANCELLED = "abgesagt"
    HELD = "durchgefuehrt"  # attendance recorded


class ParticipantStatus(StrEnum):
    REGISTERED = "angemeldet"
    WAITING = "warteliste"
    CANCELLED = "abgemeldet"
    ATTENDED = "teilgenommen"
    ABSENT = "nicht_erschienen"


ACTIVE = (ParticipantStatus.REGISTERED, ParticipantStatus.WAITING)  # holding a place or waiting for one
COUNTED = (ParticipantStatus.REGISTERED, ParticipantStatus.ATTENDED, ParticipantStatus.ABSENT)  # had a place


@dataclass(frozen=True)
class Kind:
    """A kind of training and what it qualifies for (the wire's TRAINING_KINDS, read at the edge)."""

    key: str
    label: str
    qualifies_for: str = ""
    valid_months: int | None = None


@dataclass(frozen=True)
class Person:
    """Who registers: an existing counsellor of the register or an interested member."""

    name: str
    email: str
    counsellor_id: str | None = None
    office_id: str | None = None
    office_name: str = ""
    kinds: tuple[str, ...] = ()  # the kinds their personal link offers first


@dataclass(frozen=True)
class Costs:
    expected_cents: int | None = None
    application_due: date | None = None
    status: str = "offen"  # offen | eingereicht | bewilligt | bezahlt
    note: str = ""


@dataclass(frozen=True)
class Details:
    kind: Kind
    title: str
    start: datetime
    end: datetime
    online: bool = False
    place: str = ""
    capacity: int = 1
    trainer_name: str = ""
    trainer_email: str = ""
    description: str = ""

    def validate(self, now: datetime) -> Details:
        if not self.start < self.end:
            raise InvalidInput("Das Ende liegt nicht nach dem Beginn.", fields={"ende": "vor dem Beginn"})
        if self.start <= now:
            raise InvalidInput("Der Termin liegt in der Vergangenheit.", fields={"start": "vergangen"})
        if not self.online and not self.place.strip():
            raise InvalidInput("Bitte den Ort angeben (oder den Termin als online markieren).", fields={"ort": "fehlt"})
        if self.capacity < 1:
            raise InvalidInput("Mindestens ein Platz, bitte.", fields={"plaetze": "zu wenig"})
        return replace(self, title=self.title.strip() or self.kind.label)


@dataclass
class Participant:
    id: str
    name: str
    email: str
    status: ParticipantStatus
    registered_at: datetime
    counsellor_id: str | None = None
    office_id: str | None = None
    office_name: str = ""

    def person(self) -> Person:
        return Person(self.name, self.email, self.counsellor_id, self.office_id, self.office_name)


def add_months(day: date, months: int) -> date:
    """`day` plus calendar months; a day the target month lacks becomes its last (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(eq=False)
class Training(Recording):
    id: str
    details: Details
    status: TrainingStatus = TrainingStatus.PLANNED
    participants: list[Participant] = field(default_factory=list)
    costs: Costs | None = None
    events: list[object] = field(default_factory=list, repr=False)

    @classmethod
    def plan(cls, id: str, details: Details, now: datetime, costs: Costs | None = None) -> Training:
        training = cls(id, details.validate(now), costs=costs)
        training._record(TrainingPlanned)
        return training

    def snapshot(self) -> Training:
        """As it is now, for an event: later changes in the same transaction do not reach it."""
        return replace(self, participants=[replace(p) for p in self.participants], events=[])

    @property
    def name(self) -> str:
        return self.details.title

    @property
    def day(self) -> date:
        return self.details.start.astimezone(BERLIN).date()

    def with_status(self, *statuses: ParticipantStatus) -> list[Participant]:
        return [p for p in self.participants if p.status in statuses]

    def waiting(self) -> list[Participant]:
        return self.with_status(ParticipantStatus.WAITING)  # in order: the list keeps the order they came in

    def waiting_position(self, participant: Participant) -> int | None:
        waiting = self.waiting()
        return waiting.index(participant) + 1 if participant in waiting else None

    def free(self) -> int:
        return max(0, self.details.capacity - len(self.with_status(ParticipantStatus.REGISTERED)))

    def participant(self, participant_id: str) -> Participant:
        for p in self.participants:
            if p.id == participant_id:
                return p
        raise NotFound("Diese Anmeldung gibt es bei diesem Termin nicht.")

    def entry_of(self, email: str) -> Participant | None:
        return next((p for p in self.participants if p.email.casefold() == email.casefold()), None)

    def _open_for_registration(self, now: datetime) -> None:
        if self.status == TrainingStatus.CANCELLED:
            raise Conflict(
                f"„{self.name}“ ist abgesagt; Anmeldungen sind nicht mehr möglich.", code="schulung_abgesagt"
            )
        if self.status != TrainingStatus.PLANNED or now >= self.details.start:
            raise Conflict(
                f"Die Anmeldung zu „{self.name}“ ist geschlossen: der Termin hat schon begonnen.",
                code="anmeldung_geschlossen",
            )

    def _ensure_planned(self) -> None:
        if self.status != TrainingStatus.PLANNED:
            raise Conflict(f"„{self.name}“ ist {self.status}; das geht nur bei einem geplanten Termin.")

    def change(self, details: Details, now: datetime, costs: Costs | None = None) -> list[Participant]:
        """New date, place or capacity; a larger capacity moves waiting people up (returned)."""
        self._ensure_planned()
        details = details.validate(now)
        if details.capacity < len(self.with_status(ParticipantStatus.REGISTERED)):
            raise Conflict(
                f"Es sind schon {len(self.with_status(ParticipantStatus.REGISTERED))} Personen angemeldet; "
                "so wenige Plätze gehen nicht.",
                code="zu_wenig_plaetze",
            )
        self.details, self.costs = details, costs or self.costs
        moved = self._move_up()
        self._record(TrainingChanged)
        return moved

    def cancel(self, reason: str = "") -> list[Participant]:
        """The date will not take place; those registered or waiting (returned) hear of it."""
        self._ensure_planned()
        self.status = TrainingStatus.CANCELLED
        self._record(TrainingChanged)
        return self.with_status(*ACTIVE)

    def register(self, participant_id: str, person: Person, now: datetime) -> tuple[Participant, bool]:
        """(the entry, whether it is new or renewed); the same address twice gets no second entry."""
        self._open_for_registration(now)
        entry = self.entry_of(person.email)
        if entry and entry.status in ACTIVE:
            return entry, False
        status = ParticipantStatus.REGISTERED if self.free() > 0 else ParticipantStatus.WAITING
        if entry:  # cancelled before: registers again, at the end of the queue
            self.participants.remove(entry)
            participant_id = entry.id
        p = person
        entry = Participant(participant_id, p.name, p.email, status, now, p.counsellor_id, p.office_id, p.office_name)
        self.participants.append(entry)
        self._record(TrainingChanged)
        return entry, True

    def cancel_registration(self, participant_id: str, now: datetime) -> tuple[Participant, Participant | None, bool]:
        """(the entry, who moved up, whether anything changed)."""
        entry = self.participant(participant_id)
        if entry.status == ParticipantStatus.CANCELLED:
            return entry, None, False
        if entry.status not in ACTIVE or self.status != TrainingStatus.PLANNED or now >= self.details.start:
            raise Conflict(f"Vom Termin „{self.name}“ kann man sich nicht mehr abmelden.", code="abmeldung_geschlossen")
        entry.status = ParticipantStatus.CANCELLED
        moved = self._move_up()
        self._record(TrainingChanged)
        return entry, (moved[0] if moved else None), True

    def _move_up(self) -> list[Participant]:
        moved = []
        for waiting in self.waiting()[: self.free()]:
            waiting.status = ParticipantStatus.REGISTERED
            moved.append(waiting)
        return moved

    def record_attendance(self, attended: tuple[str, ...], now: datetime) -> list[Participant]:
        """Who took part; every other registered participant did not. Again: a correction. New attendees returned."""
        if self.status == TrainingStatus.CANCELLED:
            raise Conflict(f"„{self.name}“ ist abgesagt; dafür gibt es keine Teilnahme.", code="schulung_abgesagt")
        if now < self.details.start:
            raise Conflict(
                f"„{self.name}“ hat noch nicht begonnen; die Teilnahme wird danach eingetragen.",
                code="noch_nicht_begonnen",
            )
        chosen = [self.participant(pid) for pid in dict.fromkeys(attended)]
        if refused := [p.name for p in chosen if p.status == ParticipantStatus.CANCELLED]:
            raise InvalidInput(
                f"Abgemeldet, also nicht dabei: {', '.join(refused)}.", fields={"teilnahme": "abgemeldet"}
            )
        new = [p for p in chosen if p.status != ParticipantStatus.ATTENDED]
        for p in self.with_status(*COUNTED):
            p.status = ParticipantStatus.ABSENT
        for p in chosen:
            p.status = ParticipantStatus.ATTENDED
        self.status = TrainingStatus.HELD
        self._record(TrainingChanged)
        for p in new:
            self._record(TrainingAttended, participant=replace(p), on=self.day, until=self.valid_until())
        return new

    def valid_until(self) -> date | None:
        """The last day the qualification of this date is valid; None when the kind grants nothing."""
        kind = self.details.kind
        if not kind.qualifies_for or kind.valid_months is None:
            return None
        return add_months(self.day, kind.valid_months)

    def set_costs(self, costs: Costs) -> None:
        if costs != self.costs:
            self.costs = costs
            self._record(TrainingChanged)


@dataclass(frozen=True)
class TrainingPlanned:
    training: Training


@dataclass(frozen=True)
class TrainingChanged:
    training: Training


@dataclass(frozen=True)
class TrainingAttended:
    training: Training
    participant: Participant
    on: date
    until: date | None


TRAINING_EVENTS = (TrainingPlanned, TrainingChanged, TrainingAttended)
