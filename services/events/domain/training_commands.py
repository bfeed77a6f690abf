"""What the state office, trainers and the people themselves ask of training dates (issue 17)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.events.domain.trainings import Costs, Details, Person


@dataclass(frozen=True)
class PlanTraining:
    details: Details
    now: datetime
    costs: Costs | None = None


@dataclass(frozen=True)
class ChangeTraining:
    training_id: str
    details: Details
    now: datetime
    costs: Costs | None = None  # None: the costs stay as they are


@dataclass(frozen=True)
class CancelTraining:
    training_id: str
    reason: str
    now: datetime


@dataclass(frozen=True)
class RegisterParticipant:
    training_id: str
    person: Person
    now: datetime


@dataclass(frozen=True)
class CancelParticipant:
    training_id: str
    participant_id: str
    now: datetime


@dataclass(frozen=True)
class RecordAttendance:
    training_id: str
    attended: tuple[str, ...]
    now: datetime


@dataclass(frozen=True)
class SetCosts:
    training_id: str
    costs: Costs


@dataclass(frozen=True)
class InvitePerson:
    person: Person
    now: datetime


@dataclass(frozen=True)
class RegisterByLink:
    token: str
    training_id: str
    now: datetime


@dataclass(frozen=True)
class CancelByLink:
    token: str
    training_id: str
    now: datetime


@dataclass(frozen=True)
class SendTrainingReminders:
    """The periodic job: the day-before reminders and the financial applications' deadlines."""

    now: datetime
    application_days: int
    state_office: str
