"""Joint actions: planned by one regional group, others invited; accepted, confirmed, done, evaluated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from services.events.domain.errors import Conflict, InvalidInput
from shared.aggregate import Recording


class ActionKind(StrEnum):
    ZAHLTAG = "zahltag"
    INFO = "info"
    PROTEST_LETTER = "protestbrief"
    BREAKFAST = "fruehstueck"
    MEETING = "treffen"
    TRAINING = "schulung"
    OTHER = "sonstiges"


class ActionStatus(StrEnum):
    """An action's state; the values are the words on the wire and in the database."""

    IDEA = "idee"
    PLANNED = "geplant"
    CONFIRMED = "bestätigt"
    HELD = "durchgeführt"
    EVALUATED = "ausgewertet"
    CANCELLED = "abgesagt"  # the action will not take place


class InvitationStatus(StrEnum):
    """An invited group's answer; the values are the words on the wire and in the database."""

    OPEN = "offen"
    ACCEPTED = "zugesagt"
    DECLINED = "abgesagt"  # the group does not take part (same word as a cancelled action, another meaning)
    NO_ANSWER = "keine_antwort"


KINDS = {
    ActionKind.ZAHLTAG: "Zahltag-Aktion vor dem Jobcenter",
    ActionKind.INFO: "Infoveranstaltung",
    ActionKind.PROTEST_LETTER: "Protestbrief-Aktion",
    ActionKind.BREAKFAST: "Erwerbslosenfrühstück",
    ActionKind.MEETING: "Treffen/Sitzung",
    ActionKind.TRAINING: "Schulung",
    ActionKind.OTHER: "Sonstiges",
}
STATUSES = tuple(ActionStatus)
OPEN, ACCEPTED, DECLINED, NO_ANSWER = InvitationStatus
LIVE = (ActionStatus.IDEA, ActionStatus.PLANNED, ActionStatus.CONFIRMED)  # not yet held, not cancelled
# Seed 004: "Dabei ist darauf zu achten, dass sich Mitarbeiter der Jobcenter nicht angegriffen fühlen."
JOB_CENTRE_GUIDELINE = (
    "Leitlinie der LAG: Aktionen vor Jobcentern richten sich gegen das SGB II, nicht gegen die Beschäftigten. "
    "Es ist darauf zu achten, dass sich Mitarbeiter:innen der Jobcenter nicht angegriffen fühlen – sie unterliegen "
    "genauso wirtschaftlichen Zwängen wie alle Berufstätigen."
)


@dataclass(frozen=True)
class Schedule:
    kind: str
    title: str
    place: str
    job_centre: str
    start: datetime | None
    end: datetime | None
    responsible: tuple[str, ...] = ()

    def validate(self) -> Schedule:
        if self.kind not in KINDS:
            raise InvalidInput(f"Art „{self.kind}“ unbekannt (möglich: {', '.join(KINDS)}).", fields={"art": self.kind})
        if not self.title.strip():
            raise InvalidInput("Die Aktion braucht einen Titel.", fields={"titel": "fehlt"})
        if (self.start is None) != (self.end is None):
            raise InvalidInput("Beginn und Ende gehören zusammen.", fields={"ende": "fehlt"})
        if self.start and self.end and not self.start < self.end:
            raise InvalidInput("Das Ende liegt nicht nach dem Beginn.", fields={"ende": "vor dem Beginn"})
        if self.kind == ActionKind.ZAHLTAG and not self.job_centre.strip():
            raise InvalidInput("Für eine Zahltag-Aktion bitte das Jobcenter angeben.", fields={"jobcenter": "fehlt"})
        return self


@dataclass(frozen=True)
class Report:
    participants: int
    notes: str
    press: str = ""


@dataclass(eq=False)
class Action(Recording):
    id: str
    organiser_group_id: str
    schedule: Schedule
    status: ActionStatus = ActionStatus.PLANNED
    invitations: tuple[tuple[str, InvitationStatus], ...] = ()  # (group_id, InvitationStatus)
    report: Report | None = None
    evaluation: str = ""
    cancel_reason: str = ""
    events: list[object] = field(default_factory=list, repr=False)

    @classmethod
    def plan(cls, id: str, organiser_group_id: str, schedule: Schedule, as_idea: bool = False) -> Action:
        schedule.validate()
        if not as_idea and schedule.start is None:
            raise InvalidInput("Eine geplante Aktion braucht Beginn und Ende; sonst als Idee anlegen.")
        action = cls(id, organiser_group_id, schedule, ActionStatus.IDEA if as_idea else ActionStatus.PLANNED)
        action._record(ActionPlanned)
        return action

    @property
    def name(self) -> str:
        return self.schedule.title

    def invitation(self, group_id: str) -> str | None:
        return dict(self.invitations).get(group_id)

    def open_invitations(self) -> list[str]:
        return [g for g, state in self.invitations if state == OPEN]

    def takes_part(self, group_id: str) -> bool:
        return group_id == self.organiser_group_id or self.invitation(group_id) == ACCEPTED

    def _ensure(self, *allowed: ActionStatus) -> None:
        if self.status not in allowed:
            raise Conflict(
                f"Die Aktion „{self.name}“ ist {self.status}; das geht nur, solange sie {' oder '.join(allowed)} ist."
            )

    def reschedule(self, schedule: Schedule) -> tuple[str, ...]:
        self._ensure(ActionStatus.IDEA, ActionStatus.PLANNED, ActionStatus.CONFIRMED)
        schedule.validate()
        changed = tuple(f for f in vars(schedule) if getattr(schedule, f) != getattr(self.schedule, f))
        if changed:
            self.schedule = schedule
            if self.status == ActionStatus.IDEA and schedule.start:
                self.status = ActionStatus.PLANNED
            self._record(ActionUpdated, changed=changed)
        return changed

    def invite(self, group_ids: tuple[str, ...]) -> tuple[str, ...]:
        self._ensure(ActionStatus.IDEA, ActionStatus.PLANNED)
        new = tuple(g for g in dict.fromkeys(group_ids) if g != self.organiser_group_id and self.invitation(g) is None)
        if new:
            self.invitations += tuple((g, OPEN) for g in new)
            self._record(GroupsInvited, group_ids=new)
        return new

    def respond(self, group_id: str, accept: bool) -> None:
        self._ensure(ActionStatus.IDEA, ActionStatus.PLANNED, ActionStatus.CONFIRMED)
        if self.invitation(group_id) is None:
            raise Conflict("Diese Regionalgruppe ist zu der Aktion nicht eingeladen.")
        answer = ACCEPTED if accept else DECLINED
        if self.invitation(group_id) == answer:
            return
        self.invitations = tuple((g, answer if g == group_id else s) for g, s in self.invitations)
        self._record(InvitationAccepted if accept else InvitationDeclined, group_id=group_id)

    def confirm(self) -> None:
        self._ensure(ActionStatus.PLANNED)
        if not self.schedule.responsible:
            raise Conflict("Vor der Bestätigung bitte eine verantwortliche Person (V) eintragen.")
        if waiting := self.open_invitations():
            raise Conflict(
                f"Noch keine Antwort von {len(waiting)} eingeladenen Gruppe(n).", fields={"offen": ", ".join(waiting)}
            )
        self.status = ActionStatus.CONFIRMED
        self._record(ActionConfirmed)

    def complete(self, report: Report, now: datetime) -> None:
        """Only a confirmed action that has begun is held; invitations never answered close as "keine Antwort"."""
        if self.status in (ActionStatus.IDEA, ActionStatus.PLANNED):
            raise Conflict(
                f"Die Aktion „{self.name}“ ist erst {self.status}; abschließen lässt sie sich, wenn sie bestätigt ist."
            )
        self._ensure(ActionStatus.CONFIRMED)
        if self.schedule.start is None or self.schedule.start > now:
            begins = f" Sie beginnt am {self.schedule.start:%d.%m.%Y um %H:%M} Uhr." if self.schedule.start else ""
            raise Conflict(f"Die Aktion „{self.name}“ hat noch nicht begonnen; abschließen geht erst danach.{begins}")
        if report.participants < 0:
            raise InvalidInput("Die Zahl der Teilnehmenden kann nicht negativ sein.")
        self.invitations = tuple((g, NO_ANSWER if s == OPEN else s) for g, s in self.invitations)
        self.status, self.report = ActionStatus.HELD, report
        self._record(ActionCompleted)

    def evaluate(self, evaluation: str) -> None:
        self._ensure(ActionStatus.HELD)
        self.status, self.evaluation = ActionStatus.EVALUATED, evaluation.strip()
        self._record(ActionEvaluated)

    def cancel(self, reason: str) -> None:
        self._ensure(ActionStatus.IDEA, ActionStatus.PLANNED, ActionStatus.CONFIRMED)
        self.status, self.cancel_reason = ActionStatus.CANCELLED, reason.strip()
        self._record(ActionCancelled)


def same_day_same_job_centre(action: Action, others: list[Action]) -> list[Action]:
    """Other live actions at the same job centre on the same day: worth a warning, not a refusal."""
    s = action.schedule
    if not s.job_centre or not s.start:
        return []
    key = " ".join(s.job_centre.casefold().split())
    return [
        o
        for o in others
        if o.id != action.id
        and o.status != ActionStatus.CANCELLED
        and o.schedule.start
        and " ".join(o.schedule.job_centre.casefold().split()) == key
        and o.schedule.start.date() == s.start.date()
    ]


def same_day(schedule: Schedule, action_id: str | None, group_ids: tuple[str, ...], others: list[Action]) -> list:
    """Before saving: other live actions on the same day as `schedule`, each with why it matters — at the same
    job centre (`("jobcenter", action)`), or with one of `group_ids` taking part (`("gruppe", action, group_id)`)."""
    if not schedule.start:
        return []
    key = " ".join(schedule.job_centre.casefold().split())
    found: list = []
    for other in others:
        if other.id == action_id or other.status not in LIVE or not other.schedule.start:
            continue
        if other.schedule.start.date() != schedule.start.date():
            continue
        if key and " ".join(other.schedule.job_centre.casefold().split()) == key:
            found.append(("jobcenter", other))
            continue
        for group_id in group_ids:
            if other.takes_part(group_id) or other.invitation(group_id) == OPEN:
                found.append(("gruppe", other, group_id))
                break
    return found


# --- what happened to it: each event carries a snapshot of the aggregate right after the change ---


@dataclass(frozen=True)
class ActionPlanned:
    action: Action


@dataclass(frozen=True)
class ActionUpdated:
    action: Action
    changed: tuple[str, ...]


@dataclass(frozen=True)
class GroupsInvited:
    action: Action
    group_ids: tuple[str, ...]


@dataclass(frozen=True)
class InvitationAccepted:
    action: Action
    group_id: str


@dataclass(frozen=True)
class InvitationDeclined:
    action: Action
    group_id: str


@dataclass(frozen=True)
class ActionConfirmed:
    action: Action


@dataclass(frozen=True)
class ActionCompleted:
    action: Action


@dataclass(frozen=True)
class ActionEvaluated:
    action: Action


@dataclass(frozen=True)
class ActionCancelled:
    action: Action
