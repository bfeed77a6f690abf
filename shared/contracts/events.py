"""Wire contracts produced by the action-planning service (`services/events`).

Events carry full snapshots of the action or work item they concern, so consumers
(notifications: invitations, reminders, the board digest) need nothing else.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from shared.contracts.catalogue import command, dead_letters, event, query
from shared.contracts.envelope import Contract, EventPayload
from shared.contracts.mail import MailRequested
from shared.contracts.people import PersonQuery, PersonRecords
from shared.contracts.system import HealthReply, HealthRequest
from shared.contracts.text import Count, Email, Flag, Id, MultiLine, Name, NonBlankText, SingleLine

HEALTH = query("events", "health", HealthRequest, HealthReply)
DEAD_LETTERS = dead_letters("events")

# --- snapshots -------------------------------------------------------------------------


class InvitationV1(Contract):
    group_id: str
    group_name: str = ""
    status: Literal["offen", "zugesagt", "abgesagt"]
    # Added tolerantly: an invitation still open when the action was held is closed without an answer. It is
    # sent as status "abgesagt" (not taking part; what readers of the three states need) with this flag set.
    no_answer: bool = False


class ReportV1(Contract):
    participants: int = Field(ge=0)
    notes: str = ""
    press: str = ""


class ActionSnapshot(Contract):
    action_id: str
    kind: str
    kind_label: str
    title: str
    place: str = ""
    job_centre: str = ""
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    organiser_group_id: str
    organiser_group_name: str = ""
    responsible: list[str] = []
    status: str
    invitations: list[InvitationV1] = []
    report: ReportV1 | None = None
    evaluation: str = ""
    cancel_reason: str = ""


class ResponsibleV1(Contract):
    name: str
    role: str = ""
    scope: str = ""


class TimingV1(Contract):
    kind: Literal["datum", "zeitraum", "zeitraeume", "wiederkehrend", "laufend", "unbestimmt", "nicht_erkannt", "ohne"]
    text: str  # as written in the plan
    description: str = ""  # as understood
    on: date | None = None
    periods: list[tuple[date, date, str]] = []
    unit: str | None = None
    times: int | None = None
    at_least: bool = False
    in_total: bool = False
    # Added tolerantly: "alle zwei Wochen" (every 2), "jeden ersten Montag im Monat" (ordinal 1, weekday 0; -1 is
    # the last; no weekday: a working day); for kind "laufend", `on` is the start of "ab März 2026".
    every: int = 1
    ordinal: int | None = None
    weekday: int | None = None
    # Added tolerantly (work-plan pages, issue 15): the T in plain German as of the day of the answer, e.g.
    # "1. April bis 30. Juni 2017", "jeden Monat, nächster Termin bis 31. Mai 2017"; "" in stored snapshots.
    reading: str = ""


class NoteV1(Contract):
    on: date
    text: str
    author: str = ""


class WorkItemSnapshot(Contract):
    item_id: str
    plan: str
    text: str
    responsible: list[ResponsibleV1] = []
    timing: TimingV1
    created_on: date
    status: str
    notes: list[NoteV1] = []
    last_done: date | None = None
    group_id: str | None = None
    due: date | None = None
    overdue: bool = False


# --- events ------------------------------------------------------------------------------


class ActionEvent(EventPayload):
    action: ActionSnapshot


@event("events", "action", "planned", 1)
class ActionPlannedV1(ActionEvent):
    guideline: str = ""


@event("events", "action", "updated", 1)
class ActionUpdatedV1(ActionEvent):
    changed: list[str] = []


@event("events", "action", "invited", 1)
class GroupsInvitedV1(ActionEvent):
    """Invitations went out to `group_ids`; notifications mails their lists with an .ics."""

    group_ids: list[str]


@event("events", "invitation", "accepted", 1)
class InvitationAcceptedV1(ActionEvent):
    group_id: str


@event("events", "invitation", "declined", 1)
class InvitationDeclinedV1(ActionEvent):
    group_id: str


@event("events", "action", "confirmed", 1)
class ActionConfirmedV1(ActionEvent):
    pass


@event("events", "action", "completed", 1)
class ActionCompletedV1(ActionEvent):
    pass


@event("events", "action", "evaluated", 1)
class ActionEvaluatedV1(ActionEvent):
    pass


@event("events", "action", "cancelled", 1)
class ActionCancelledV1(ActionEvent):
    pass


class WorkItemEvent(EventPayload):
    item: WorkItemSnapshot


@event("events", "workitem", "added", 1)
class WorkItemAddedV1(WorkItemEvent):
    pass


@event("events", "workitem", "updated", 1)
class WorkItemUpdatedV1(WorkItemEvent):
    changed: list[str] = []


@event("events", "workitem", "done", 1)
class WorkItemDoneV1(WorkItemEvent):
    on: date


@event("events", "workitem", "reminder_due", 1)
class ReminderDueV1(WorkItemEvent):
    """The responsible people should be reminded: `due` is `days_left` days away."""

    due: date
    days_left: int


@event("events", "workitem", "overdue", 1)
class WorkItemOverdueV1(WorkItemEvent):
    due: date


class TallyV1(Contract):
    actions_planned: int  # planned or confirmed, not yet held
    actions_done: int  # held within the period
    # Added tolerantly (defaults for older senders): every action in exactly one of ideas, planned, held,
    # cancelled, so these add up to actions_total; confirmed is the part of planned that is confirmed.
    actions_total: int = 0
    actions_ideas: int = 0
    actions_confirmed: int = 0
    actions_held: int = 0
    actions_cancelled: int = 0
    invitations_open: int
    items_due: int
    items_overdue: int
    items_done: int


class GroupTallyV1(TallyV1):
    group_id: str
    group_name: str


class ItemLineV1(Contract):
    item_id: str
    text: str
    responsible: str
    due: date | None


class ActionLineV1(Contract):
    """An action as the progress report names it (board, issue 15)."""

    action_id: str
    title: str
    kind_label: str = ""
    status: str = ""
    start: AwareDatetime | None = None
    place: str = ""  # the job centre or the place
    groups: list[str] = []  # the organising group first, then the groups that accepted
    responsible: list[str] = []
    participants: int | None = None  # from the report of a held action
    notes: str = ""
    press: str = ""
    evaluation: str = ""


class CampaignLineV1(Contract):
    campaign_id: str
    title: str
    ends_on: date
    recipients: int
    answered: int
    rate_percent: int  # answered / recipients, rounded down (0 without recipients)


class TrainingLineV1(Contract):
    training_id: str
    title: str
    start: AwareDatetime
    registered: int
    waiting: int = 0
    attended: int | None = None  # recorded attendance (None: not yet)


@event("events", "progress", "compiled", 1)
class ProgressCompiledV1(EventPayload):
    """The content of the board's progress digest, compiled by a periodic job."""

    period_key: str
    since: AwareDatetime
    until: AwareDatetime
    overall: TallyV1
    groups: list[GroupTallyV1]
    overdue: list[ItemLineV1]
    due: list[ItemLineV1]
    # Added tolerantly (issue 15): what happened (the actions counted in actions_done) and what is next
    # (planned or confirmed actions beginning within a month after `until`).
    held: list[ActionLineV1] = []
    upcoming: list[ActionLineV1] = []
    # Added tolerantly (issue 17): running and recently ended survey campaigns with their response rates (from
    # `registry.campaign.progressed.v1`), and the training dates of the period and the month after it.
    campaigns: list[CampaignLineV1] = []
    trainings: list[TrainingLineV1] = []


# --- commands and queries ------------------------------------------------------------------

ActionKind = Literal["zahltag", "info", "protestbrief", "fruehstueck", "treffen", "schulung", "sonstiges"]
ActionStatus = Literal["idee", "geplant", "bestätigt", "durchgeführt", "ausgewertet", "abgesagt"]
Year = Annotated[Count, Field(ge=2000, le=2100)]


class ScheduleInput(Contract):
    kind: ActionKind
    title: Name
    place: SingleLine = ""
    job_centre: SingleLine = ""
    start: datetime | None = None  # naive times are Europe/Berlin
    end: datetime | None = None
    responsible: list[SingleLine] = []


class PlanAction(ScheduleInput):
    organiser_group_id: Id
    as_idea: Flag = False
    action_id: Id | None = None


class PlannedAction(Contract):
    action: ActionSnapshot
    warnings: list[str] = []
    guideline: str = ""


class RescheduleAction(ScheduleInput):
    action_id: Id


class CheckAction(ScheduleInput):
    """Plan or change an action? What would be said before it is saved; nothing is stored or sent.

    `action_id`: the action being changed (it does not clash with itself); `invited_group_ids`: the groups to be
    invited, whose other actions on the same day are named too."""

    organiser_group_id: Id
    action_id: Id | None = None
    invited_group_ids: list[Id] = []


class ActionCheck(Contract):
    warnings: list[str] = []  # clashes on the same day, in German
    guideline: str = ""  # the LAG's guideline for actions in front of a job centre


class InviteGroups(Contract):
    action_id: Id
    group_ids: list[Id] = Field(min_length=1)


class RespondToInvitation(Contract):
    action_id: Id
    group_id: Id
    accept: Flag


class ActionRef(Contract):
    action_id: Id


class CompleteAction(ReportV1):
    action_id: Id
    participants: Annotated[Count, Field(ge=0)]
    notes: MultiLine = ""
    press: MultiLine = ""


class EvaluateAction(Contract):
    action_id: Id
    evaluation: MultiLine


class CancelAction(Contract):
    action_id: Id
    reason: MultiLine = ""


class AddWorkItem(Contract):
    plan: Name = "Arbeitsplan"
    text: NonBlankText
    responsible: SingleLine = ""
    timing: SingleLine | None = None
    year: Year | None = None
    group_id: Id | None = None
    item_id: Id | None = None


class ImportWorkPlan(Contract):
    text: NonBlankText  # an empty plan is refused, not imported as nothing
    plan: Name | None = None  # defaults to the document's title
    year: Year | None = None  # defaults to the document's year


class ImportedPlan(Contract):
    plan: str
    year: int | None
    items: list[WorkItemSnapshot]
    unchanged: int = 0
    not_imported: list[str] = []  # paragraphs no V belongs to, with their line


class WorkItemStatus(Contract):
    item_id: Id
    status: Literal["offen", "in Arbeit", "erledigt"]


class WorkItemNote(Contract):
    item_id: Id
    text: NonBlankText
    author: SingleLine = ""


class ItemRef(Contract):
    item_id: Id


class ActionsQuery(Contract):
    group_id: Id | None = None
    status: ActionStatus | None = None


class Actions(Contract):
    actions: list[ActionSnapshot]


class WorkPlanQuery(Contract):
    plan: SingleLine | None = None
    only_open: bool = False


class WorkPlan(Contract):
    items: list[WorkItemSnapshot]


class CalendarQuery(Contract):
    group_id: str | None = None  # None: the overall calendar
    action_id: str | None = None  # one invitation's .ics


class CalendarDocument(Contract):
    media_type: str = "text/calendar; charset=utf-8"
    filename: str
    content: str


class GroupsQuery(Contract):
    state: str | None = None


class GroupV1(Contract):
    group_id: str
    name: str
    state: str
    status: str
    coordinator_name: str = ""
    coordinator_email: str = ""
    merged_into: str | None = None
    events_seen: int  # registry events processed for this group, each exactly once


class Groups(Contract):
    groups: list[GroupV1]


class CompileProgress(Contract):
    pass


class Rebuild(Contract):
    pass


class Rebuilt(Contract):
    groups: int


# --- the board's dashboard and the archive of progress reports (issue 15) ---------------------------


class DashboardQuery(Contract):
    since: AwareDatetime
    until: AwareDatetime | None = None  # None: now
    # Added tolerantly (issue 21): False leaves out the report's lines of held and upcoming actions (their numbers
    # stay). The board's page shows only the numbers, and a year of a state's actions is more than a reply may carry.
    action_lines: Flag = True


class MonthV1(Contract):
    month: str  # "2026-03", a calendar month in Europe/Berlin
    actions_planned: int  # beginning in this month, not cancelled and no mere idea
    actions_confirmed: int  # of those, confirmed or already held
    actions_done: int  # of those, held
    items_done: int  # work-plan items last done in this month


class GroupMonthsV1(Contract):
    group_id: str
    group_name: str
    months: list[MonthV1]


class DashboardV1(Contract):
    """`report` is exactly what COMPILE_PROGRESS compiles for the same period (period_key "lage")."""

    report: ProgressCompiledV1
    months: list[MonthV1]
    groups: list[GroupMonthsV1]


class ReportsQuery(Contract):
    limit: int = Field(100, ge=1, le=1000)


class ReportEntryV1(Contract):
    period_key: str
    since: AwareDatetime
    until: AwareDatetime
    actions_done: int
    items_overdue: int


class Reports(Contract):
    reports: list[ReportEntryV1]  # newest first


class ReportRef(Contract):
    period_key: SingleLine


PLAN_ACTION = command("events", "plan_action", PlanAction, PlannedAction)
RESCHEDULE_ACTION = command("events", "reschedule_action", RescheduleAction, PlannedAction)
INVITE_GROUPS = command("events", "invite_groups", InviteGroups, ActionSnapshot)
RESPOND_TO_INVITATION = command("events", "respond_to_invitation", RespondToInvitation, ActionSnapshot)
CONFIRM_ACTION = command("events", "confirm_action", ActionRef, ActionSnapshot)
COMPLETE_ACTION = command("events", "complete_action", CompleteAction, ActionSnapshot)
EVALUATE_ACTION = command("events", "evaluate_action", EvaluateAction, ActionSnapshot)
CANCEL_ACTION = command("events", "cancel_action", CancelAction, ActionSnapshot)
ADD_WORK_ITEM = command("events", "add_work_item", AddWorkItem, WorkItemSnapshot)
IMPORT_WORK_PLAN = command("events", "import_work_plan", ImportWorkPlan, ImportedPlan)
SET_WORK_ITEM_STATUS = command("events", "set_work_item_status", WorkItemStatus, WorkItemSnapshot)
NOTE_WORK_ITEM = command("events", "note_work_item", WorkItemNote, WorkItemSnapshot)
COMPLETE_WORK_ITEM = command("events", "complete_work_item", ItemRef, WorkItemSnapshot)
COMPILE_PROGRESS = command("events", "compile_progress", CompileProgress, ProgressCompiledV1)
REBUILD_GROUPS = command("events", "rebuild_groups", Rebuild, Rebuilt)

ACTIONS = query("events", "actions", ActionsQuery, Actions)
CHECK_ACTION = query("events", "check_action", CheckAction, ActionCheck)
ACTION = query("events", "action", ActionRef, ActionSnapshot)
WORK_PLAN = query("events", "work_plan", WorkPlanQuery, WorkPlan)
CALENDAR = query("events", "calendar", CalendarQuery, CalendarDocument)
GROUPS = query("events", "groups", GroupsQuery, Groups)
DASHBOARD = query("events", "dashboard", DashboardQuery, DashboardV1)
PROGRESS_REPORTS = query("events", "progress_reports", ReportsQuery, Reports)
PROGRESS_REPORT = query("events", "progress_report", ReportRef, ProgressCompiledV1)


# --- work-plan pages (issue 15): change V and T, one item, a side-effect-free preview of an import ---------


class ChangeWorkItemResponsible(Contract):
    item_id: Id
    responsible: Annotated[SingleLine, Field(min_length=1)]  # a V as written in a plan
    author: SingleLine = ""  # who changed it (shown in the item's history)


class RescheduleWorkItem(Contract):
    item_id: Id
    timing: Annotated[SingleLine, Field(min_length=1)]  # a T as written in a plan
    year: Year | None = None  # for a T without a year; else the year of the item's T, else the current year
    author: SingleLine = ""


class PreviewedItemV1(Contract):
    """One item as an import would read it; `known`: the same item (plan, text, V, T) exists already."""

    line: int
    text: str
    responsible_text: str  # the V as written
    responsible: list[ResponsibleV1]
    timing: TimingV1  # with `reading`; kind "nicht_erkannt" is a T to check, "ohne" a V without T
    known: bool = False


class WorkPlanPreview(Contract):
    plan: str
    year: int | None
    items: list[PreviewedItemV1]
    not_imported: list[str] = []  # paragraphs no V belongs to, with their line ("Zeile 12: …")


CHANGE_WORK_ITEM_RESPONSIBLE = command(
    "events", "change_work_item_responsible", ChangeWorkItemResponsible, WorkItemSnapshot
)
RESCHEDULE_WORK_ITEM = command("events", "reschedule_work_item", RescheduleWorkItem, WorkItemSnapshot)
WORK_ITEM = query("events", "work_item", ItemRef, WorkItemSnapshot)
PREVIEW_WORK_PLAN = query("events", "preview_work_plan", ImportWorkPlan, WorkPlanPreview)


# --- trainings (issue 17, journey 7) -------------------------------------------------------------------------
# A training is a dated event with participants, owned here. People register through their personal link
# `/meine-schulungen/<token>` (signed by this service, bound to one address) or are registered by the state office.
# A full date puts them on a waiting list that moves up when someone cancels. Recorded attendance
# (`events.training.attended.v1`) grants or renews a qualification, which the registry records.


class TrainingKindV1(Contract):
    key: str
    label: str  # German
    qualifies_for: str = ""  # the qualification it grants or renews ("erstberatung"); empty: none
    valid_months: int | None = None  # how long, in calendar months from the training's day
    requires: str = ""  # a qualification needed first (a refresher renews, it does not grant from nothing)


# The kinds of training (seeds 001 and 002). Fixed in code: changing what a training qualifies for is a decision of
# the state association, made here with a review, not on a page.
TRAINING_KINDS: dict[str, TrainingKindV1] = {
    kind.key: kind
    for kind in (
        TrainingKindV1(
            key="multiplikator",
            label="Multiplikator:innenschulung (online)",
            qualifies_for="erstberatung",
            valid_months=6,
        ),
        TrainingKindV1(
            key="auffrischung",
            label="Auffrischung",
            qualifies_for="erstberatung",
            valid_months=6,
            requires="erstberatung",
        ),
        TrainingKindV1(key="seminartag", label="Seminartag für Berater:innen"),
        TrainingKindV1(key="anleitungstreffen", label="Anleitungstreffen mit der Anleitungsperson (RDG)"),
    )
}
TrainingKind = Literal["multiplikator", "auffrischung", "seminartag", "anleitungstreffen"]
ParticipantStatus = Literal["angemeldet", "warteliste", "abgemeldet", "teilgenommen", "nicht_erschienen"]
ApplicationStatus = Literal["offen", "eingereicht", "bewilligt", "bezahlt"]


class CostsV1(Contract):
    """A seminar day's costs, paid by the state association on a financial application submitted in time."""

    expected_cents: int | None = None
    application_due: date | None = None  # the application's deadline (a reminder goes out before it)
    status: str = "offen"  # an ApplicationStatus
    note: str = ""


class ParticipantV1(Contract):
    participant_id: str
    name: str
    email: str
    status: str  # a ParticipantStatus
    registered_at: datetime
    counsellor_id: str | None = None  # an existing counsellor of the register
    office_id: str | None = None
    office_name: str = ""
    waiting_position: int | None = None  # 1 = next to move up


class TrainingSnapshot(Contract):
    training_id: str
    kind: str  # a TrainingKind
    kind_label: str
    title: str
    start: AwareDatetime
    end: AwareDatetime
    online: bool
    place: str = ""  # the address, or for online dates the note how to join (the link goes out by mail)
    capacity: int
    trainer_name: str = ""
    trainer_email: str = ""
    description: str = ""
    status: str = "geplant"  # "geplant" | "abgesagt" | "durchgefuehrt" (attendance recorded)
    registered: int = 0
    waiting: int = 0
    free: int = 0
    participants: list[ParticipantV1] = []  # only for the state office and the trainer; empty in public replies
    costs: CostsV1 | None = None


class TrainingEvent(EventPayload):
    training: TrainingSnapshot  # participants left out: the events carry no list of people


@event("events", "training", "planned", 1)
class TrainingPlannedV1(TrainingEvent):
    pass


@event("events", "training", "changed", 1)
class TrainingChangedV1(TrainingEvent):
    """Date, place, capacity, costs or the counts changed, or it was cancelled (status abgesagt)."""


@event("events", "training", "attended", 1)
class TrainingAttendedV1(EventPayload):
    """One person attended: the registry grants or renews `qualifies_for` until `until` (None: nothing to grant)."""

    training_id: str
    kind: str
    title: str
    on: date  # the training's day in Berlin
    qualifies_for: str = ""
    until: date | None = None  # `on` plus the kind's valid_months (the last day of validity)
    name: str
    email: str
    counsellor_id: str | None = None
    office_id: str | None = None


@event("events", "mail", "requested", 1)
class EventsMailRequestedV1(MailRequested):
    """Training mails: personal link, confirmation with .ics, waiting list, moved up, the day before, refresher due,
    the application deadline."""


class PlanTraining(Contract):
    kind: TrainingKind
    title: SingleLine = ""  # empty: the kind's label
    start: AwareDatetime
    end: AwareDatetime
    online: Flag = False
    place: SingleLine = ""
    capacity: Annotated[Count, Field(ge=1, le=500)]
    trainer_name: SingleLine = ""
    trainer_email: Email | Literal[""] = ""
    description: MultiLine = ""
    expected_cents: Annotated[Count, Field(ge=0)] | None = None
    application_due: date | None = None


class TrainingRef(Contract):
    training_id: Id


class ChangeTraining(PlanTraining):
    training_id: Id


class CancelTraining(TrainingRef):
    reason: SingleLine = ""


class RegisterParticipant(Contract):
    """The state office registers someone (a counsellor of the register, an interested member)."""

    training_id: Id
    name: Name
    email: Email
    counsellor_id: Id | None = None
    office_id: Id | None = None
    office_name: SingleLine = ""


class CancelParticipant(Contract):
    training_id: Id
    participant_id: Id


class Registration(Contract):
    training: TrainingSnapshot
    participant: ParticipantV1
    message: str  # German: "angemeldet", "auf der Warteliste (Platz 2)", "abgemeldet; Anna Beispiel rückt nach"


class RecordAttendance(Contract):
    training_id: Id
    attended: list[Id]  # participant ids; every other registered participant counts as not attended


class SetCosts(Contract):
    training_id: Id
    expected_cents: Annotated[Count, Field(ge=0)] | None = None
    application_due: date | None = None
    status: ApplicationStatus = "offen"
    note: SingleLine = ""


class InvitePerson(Contract):
    """Mail someone their personal link to register for trainings ("Mitmachen" answers, the state office)."""

    name: Name
    email: Email
    counsellor_id: Id | None = None
    office_id: Id | None = None
    office_name: SingleLine = ""
    kinds: list[TrainingKind] = []  # the kinds the link offers first (empty: all upcoming dates)


class Invited(Contract):
    message: str  # German; the link itself goes out only by mail


class TrainingsQuery(Contract):
    upcoming_only: Flag = True  # False: also past and cancelled dates
    trainer_email: Email | None = None  # only the dates this person trains
    kind: TrainingKind | None = None


class Trainings(Contract):
    trainings: list[TrainingSnapshot]  # soonest first; with participants


class PersonToken(Contract):
    token: Annotated[str, Field(min_length=1, max_length=800, pattern=r"^[A-Za-z0-9_\-\.]+$")]


class MyTrainingsV1(Contract):
    """The personal page "Meine Schulungen": what this person may register for and where they are registered."""

    name: str
    email: str
    office_name: str = ""
    registrations: list[Registration] = []  # their own participant entries (any status), soonest first
    open_dates: list[TrainingSnapshot] = []  # upcoming dates they are not registered for (no participants)


class LinkRegistration(PersonToken):
    training_id: Id


PLAN_TRAINING = command("events", "plan_training", PlanTraining, TrainingSnapshot)
CHANGE_TRAINING = command("events", "change_training", ChangeTraining, TrainingSnapshot)
CANCEL_TRAINING = command("events", "cancel_training", CancelTraining, TrainingSnapshot)
REGISTER_PARTICIPANT = command("events", "register_participant", RegisterParticipant, Registration)
CANCEL_PARTICIPANT = command("events", "cancel_participant", CancelParticipant, Registration)
RECORD_ATTENDANCE = command("events", "record_attendance", RecordAttendance, TrainingSnapshot)
SET_COSTS = command("events", "set_costs", SetCosts, TrainingSnapshot)
INVITE_PERSON = command("events", "invite_person", InvitePerson, Invited)
REGISTER_BY_LINK = command("events", "register_by_link", LinkRegistration, Registration)
CANCEL_BY_LINK = command("events", "cancel_by_link", LinkRegistration, Registration)
TRAININGS = query("events", "trainings", TrainingsQuery, Trainings)
TRAINING = query("events", "training", TrainingRef, TrainingSnapshot)
MY_TRAININGS = query("events", "my_trainings", PersonToken, MyTrainingsV1)


# Art. 15 across all services (issue 18)
PERSON_RECORDS = query("events", "person_records", PersonQuery, PersonRecords)
