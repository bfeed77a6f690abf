"""What people (and the scheduler) ask action planning to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.events.domain.actions import Report, Schedule
from services.events.domain.groups import GroupStatus
from services.events.domain.workplan import Note


@dataclass(frozen=True)
class PlanAction:
    organiser_group_id: str
    schedule: Schedule
    as_idea: bool = False
    action_id: str | None = None


@dataclass(frozen=True)
class RescheduleAction:
    action_id: str
    schedule: Schedule


@dataclass(frozen=True)
class InviteGroups:
    action_id: str
    group_ids: tuple[str, ...]


@dataclass(frozen=True)
class RespondToInvitation:
    action_id: str
    group_id: str
    accept: bool


@dataclass(frozen=True)
class ConfirmAction:
    action_id: str


@dataclass(frozen=True)
class CompleteAction:
    action_id: str
    report: Report
    now: datetime  # completing needs the action to have begun


@dataclass(frozen=True)
class EvaluateAction:
    action_id: str
    evaluation: str


@dataclass(frozen=True)
class CancelAction:
    action_id: str
    reason: str


@dataclass(frozen=True)
class AddWorkItem:
    plan: str
    text: str
    responsible: str
    timing: str | None
    today: date
    default_year: int | None = None
    group_id: str | None = None
    item_id: str | None = None


@dataclass(frozen=True)
class SetWorkItemStatus:
    item_id: str
    status: str


@dataclass(frozen=True)
class AddProgressNote:
    item_id: str
    note: Note


@dataclass(frozen=True)
class CompleteWorkItem:
    item_id: str
    on: date


@dataclass(frozen=True)
class ChangeWorkItemResponsible:
    item_id: str
    responsible: str  # a V as written in a plan: "Wolfgang und Kathrin", "Sprecherrat"
    on: date
    author: str = ""


@dataclass(frozen=True)
class RescheduleWorkItem:
    item_id: str
    timing: str  # a T as written in a plan: "II. Quartal 2017", "monatlich"
    on: date
    year: int | None = None  # for a T without a year; else the year the item's T lay in, else `on`'s
    author: str = ""


@dataclass(frozen=True)
class SendReminders:
    today: date
    days_before: int


@dataclass(frozen=True)
class CompileProgressReport:
    now: datetime
    period_key: str
    since: datetime


# --- what other services' events tell action planning: typed at the entrypoint (entrypoints/translate.py) ---


@dataclass(frozen=True)
class Received:
    """The incoming event a command came from: what the inbox needs to handle it exactly once."""

    event_id: str
    subject: str


@dataclass(frozen=True)
class FollowGroup:
    """A registry group event: each carries the whole group, so the newest (by stream `sequence`) counts."""

    event: Received
    sequence: int
    group_id: str
    name: str
    state: str
    status: GroupStatus = GroupStatus.ACTIVE
    coordinator_name: str = ""
    coordinator_email: str = ""
    merged_into: str | None = None
    merged_group_ids: tuple[str, ...] = ()  # groups that no longer exist on their own (a merge)


@dataclass(frozen=True)
class ForgetPerson:
    """Another service announced an erasure (Art. 17 GDPR) of this address; `blocked`: the person objected (Art. 21),
    keep `fingerprint` and take the address in nowhere again. The records are found by `fingerprint`; `address` is
    "" since the event carries only the fingerprint (issue 18), set only by an older event (then the fingerprint is
    computed from it)."""

    event: Received
    address: str
    fingerprint: str = ""
    blocked: bool = False


@dataclass(frozen=True)
class FollowCampaign:
    """A registry campaign's counts at `occurred_at`: the latest (by that time) counts."""

    event: Received
    occurred_at: datetime
    campaign_id: str
    title: str
    kind: str
    starts_on: date
    ends_on: date
    recipients: int
    answered: int


@dataclass(frozen=True)
class RemindRefresher:
    """The registry says a person's qualification ends on `until`: mail them the next dates to register for."""

    event: Received
    name: str
    email: str
    qualifies_for: str
    until: date
    counsellor_id: str | None = None
    office_id: str | None = None
    office_name: str = ""
