"""Domain objects ↔ wire snapshots; the same snapshot is stored and sent (names filled in on the way out)."""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from datetime import date, datetime

from services.events.domain import events as ev
from services.events.domain.actions import (
    DECLINED,
    JOB_CENTRE_GUIDELINE,
    KINDS,
    NO_ANSWER,
    Action,
    ActionStatus,
    InvitationStatus,
    Report,
    Schedule,
)
from services.events.domain.campaigns import CampaignLine
from services.events.domain.groups import GroupReplica, GroupStatus
from services.events.domain.progress import Dashboard, Month, Tally, TrainingLine
from services.events.domain.refresher import RefresherDue
from services.events.domain.responsibility import Responsible
from services.events.domain.timing import (
    OnDate,
    Ongoing,
    Period,
    Periods,
    Recurring,
    Soft,
    Timing,
    Unparsed,
    reading,
)
from services.events.domain.workplan import ItemStatus, Note, WorkItem
from shared.clock import BERLIN
from shared.contracts import events as c
from shared.contracts.envelope import EventPayload

Names = dict[str, str]


def timing_contract(timing: Timing | None, text: str, today: date | None = None) -> c.TimingV1:
    """The T on the wire; with `today`, also its plain-German `reading` (which depends on the day)."""
    found = _timing_contract(timing, text)
    return found.model_copy(update={"reading": reading(timing, today)}) if today is not None else found


def _timing_contract(timing: Timing | None, text: str) -> c.TimingV1:
    described = timing.describe() if timing else ""
    match timing:
        case None:
            return c.TimingV1(kind="ohne", text=text)
        case OnDate():
            return c.TimingV1(kind="datum", text=text, description=described, on=timing.day)
        case Period():
            return c.TimingV1(
                kind="zeitraum", text=text, description=described, periods=[(timing.start, timing.end, timing.label)]
            )
        case Periods():
            spans = [(p.start, p.end, p.label) for p in timing.periods]
            return c.TimingV1(kind="zeitraeume", text=text, description=described, periods=spans)
        case Recurring():
            return c.TimingV1(
                kind="wiederkehrend",
                text=text,
                description=described,
                unit=timing.unit,
                times=timing.times,
                at_least=timing.at_least,
                in_total=timing.in_total,
                every=timing.every,
                ordinal=timing.ordinal,
                weekday=timing.weekday,
            )
        case Ongoing():
            return c.TimingV1(kind="laufend", text=text, description=described, on=timing.since)
        case Soft():
            return c.TimingV1(kind="unbestimmt", text=text, description=described)
    return c.TimingV1(kind="nicht_erkannt", text=text, description=described)


def timing_domain(t: c.TimingV1) -> Timing | None:
    periods = tuple(Period(s, e, label) for s, e, label in t.periods)
    return {
        "ohne": lambda: None,
        "datum": lambda: OnDate(t.on),
        "zeitraum": lambda: periods[0],
        "zeitraeume": lambda: Periods(periods),
        "wiederkehrend": lambda: Recurring(t.unit, t.times or 1, t.at_least, t.in_total, t.every, t.ordinal, t.weekday),
        "laufend": lambda: Ongoing(t.description or t.text, t.on),
        "unbestimmt": lambda: Soft(t.description or t.text),
        "nicht_erkannt": lambda: Unparsed(t.text),
    }[t.kind]()


def item_snapshot(item: WorkItem, today: date | None = None) -> c.WorkItemSnapshot:
    return c.WorkItemSnapshot(
        item_id=item.id,
        plan=item.plan,
        text=item.text,
        responsible=[c.ResponsibleV1(name=r.name, role=r.role, scope=r.scope) for r in item.responsible],
        timing=timing_contract(item.timing, item.timing_text, today),
        created_on=item.created_on,
        status=item.status,
        notes=[c.NoteV1(on=n.on, text=n.text, author=n.author) for n in item.notes],
        last_done=item.last_done,
        group_id=item.group_id,
        due=item.due(today) if today else None,
        overdue=item.overdue(today) if today else False,
    )


def item_domain(s: c.WorkItemSnapshot) -> WorkItem:
    return WorkItem(
        s.item_id,
        s.plan,
        s.text,
        tuple(Responsible(r.name, r.role, r.scope) for r in s.responsible),
        timing_domain(s.timing),
        s.timing.text,
        s.created_on,
        ItemStatus(s.status),
        tuple(Note(n.on, n.text, n.author) for n in s.notes),
        s.last_done,
        s.group_id,
    )


def action_snapshot(a: Action, names: Names | None = None) -> c.ActionSnapshot:
    names, s = names or {}, a.schedule
    report = a.report and c.ReportV1(participants=a.report.participants, notes=a.report.notes, press=a.report.press)
    return c.ActionSnapshot(
        action_id=a.id,
        kind=s.kind,
        kind_label=KINDS[s.kind],
        title=s.title,
        place=s.place,
        job_centre=s.job_centre,
        start=s.start,
        end=s.end,
        organiser_group_id=a.organiser_group_id,
        organiser_group_name=names.get(a.organiser_group_id, ""),
        responsible=list(s.responsible),
        status=a.status,
        invitations=[_invitation(g, names.get(g, ""), st) for g, st in a.invitations],
        report=report,
        evaluation=a.evaluation,
        cancel_reason=a.cancel_reason,
    )


def _invitation(group_id: str, name: str, status: InvitationStatus) -> c.InvitationV1:
    if status == NO_ANSWER:
        return c.InvitationV1(group_id=group_id, group_name=name, status=DECLINED, no_answer=True)
    return c.InvitationV1(group_id=group_id, group_name=name, status=status)


def _berlin(moment: datetime | None) -> datetime | None:
    """JSON keeps only the offset; the domain keeps the zone, so calendars say Europe/Berlin."""
    return moment and moment.astimezone(BERLIN)


def action_domain(s: c.ActionSnapshot) -> Action:
    schedule = Schedule(s.kind, s.title, s.place, s.job_centre, _berlin(s.start), _berlin(s.end), tuple(s.responsible))
    report = s.report and Report(s.report.participants, s.report.notes, s.report.press)
    invitations = tuple((i.group_id, NO_ANSWER if i.no_answer else InvitationStatus(i.status)) for i in s.invitations)
    return Action(
        s.action_id,
        s.organiser_group_id,
        schedule,
        ActionStatus(s.status),
        invitations,
        report,
        s.evaluation,
        s.cancel_reason,
    )


_GROUP_FIELDS = [f.name for f in fields(GroupReplica) if f.name != "events"]


def group_data(g: GroupReplica) -> dict:
    # Field by field, not `asdict`: that deep-copies, and a catch-up writes ten thousands of these (B4).
    return {name: getattr(g, name) for name in _GROUP_FIELDS}


def group_domain(data: dict) -> GroupReplica:
    return GroupReplica(**data | {"status": GroupStatus(data["status"])})


def group_contract(g: GroupReplica) -> c.GroupV1:
    return c.GroupV1(
        group_id=g.id,
        name=g.name,
        state=g.state,
        status=g.status,
        coordinator_name=g.coordinator_name,
        coordinator_email=g.coordinator_email,
        merged_into=g.merged_into,
        events_seen=g.seen,
    )


_ACTION_EVENTS = {
    ev.ActionPlanned: c.ActionPlannedV1,
    ev.ActionUpdated: c.ActionUpdatedV1,
    ev.GroupsInvited: c.GroupsInvitedV1,
    ev.InvitationAccepted: c.InvitationAcceptedV1,
    ev.InvitationDeclined: c.InvitationDeclinedV1,
    ev.ActionConfirmed: c.ActionConfirmedV1,
    ev.ActionCompleted: c.ActionCompletedV1,
    ev.ActionEvaluated: c.ActionEvaluatedV1,
    ev.ActionCancelled: c.ActionCancelledV1,
}
_ITEM_EVENTS = {
    ev.WorkItemAdded: c.WorkItemAddedV1,
    ev.WorkItemUpdated: c.WorkItemUpdatedV1,
    ev.WorkItemDone: c.WorkItemDoneV1,
    ev.ReminderDue: c.ReminderDueV1,
    ev.WorkItemOverdue: c.WorkItemOverdueV1,
}


def _tally(t: Tally) -> dict:
    return asdict(t)


def _line(item: WorkItem, today: date) -> c.ItemLineV1:
    who = ", ".join(r.describe() for r in item.responsible) or "ohne V"
    return c.ItemLineV1(
        item_id=item.id, text=item.text, responsible=who, due=item.overdue_since(today) or item.due(today)
    )


def progress_contract(event: ev.ProgressCompiled, names: Names | None = None) -> c.ProgressCompiledV1:
    r, today = event.report, event.report.until.date()
    names = {gid: name for gid, (name, _) in r.groups.items()} | (names or {})
    groups = [c.GroupTallyV1(group_id=gid, group_name=name, **_tally(t)) for gid, (name, t) in r.groups.items()]
    return c.ProgressCompiledV1(
        period_key=event.period_key,
        since=r.since,
        until=r.until,
        overall=c.TallyV1(**_tally(r.overall)),
        groups=groups,
        overdue=[_line(i, today) for i in r.overdue],
        due=[_line(i, today) for i in r.due],
        held=[action_line(a, names) for a in r.held],
        upcoming=[action_line(a, names) for a in r.upcoming],
        campaigns=[campaign_line(line) for line in r.campaigns],
        trainings=[training_line(line) for line in r.trainings],
    )


def campaign_line(line: CampaignLine) -> c.CampaignLineV1:
    return c.CampaignLineV1(**asdict(line))


def training_line(line: TrainingLine) -> c.TrainingLineV1:
    return c.TrainingLineV1(**asdict(line))


def training_line_domain(line: c.TrainingLineV1) -> TrainingLine:
    """A training line on the wire (as the trainings part may hand it over) as the report's domain line."""
    return TrainingLine(**line.model_dump())


def mail_contract(mail: RefresherDue) -> c.EventsMailRequestedV1:
    return c.EventsMailRequestedV1(kind="auffrischung_faellig", **asdict(mail))


def action_line(a: Action, names: Names) -> c.ActionLineV1:
    """An action as the progress report names it: who organises and who takes part, by name."""
    s = a.schedule
    accepted = [g for g, state in a.invitations if state == InvitationStatus.ACCEPTED]
    return c.ActionLineV1(
        action_id=a.id,
        title=s.title,
        kind_label=KINDS[s.kind],
        status=a.status,
        start=s.start,
        place=s.job_centre or s.place,
        groups=[names.get(g, "") or "unbekannte Gruppe" for g in (a.organiser_group_id, *accepted)],
        responsible=list(s.responsible),
        participants=a.report.participants if a.report else None,
        notes=a.report.notes if a.report else "",
        press=a.report.press if a.report else "",
        evaluation=a.evaluation,
    )


def _month(m: Month) -> c.MonthV1:
    return c.MonthV1(**asdict(m))


def dashboard_contract(d: Dashboard, names: Names, action_lines: bool = True) -> c.DashboardV1:
    """`action_lines=False`: the report without its lines of held and upcoming actions (their numbers stay)."""
    report = d.report if action_lines else replace(d.report, held=(), upcoming=())
    return c.DashboardV1(
        report=progress_contract(ev.ProgressCompiled(report, "lage"), names),
        months=[_month(m) for m in d.months],
        groups=[
            c.GroupMonthsV1(group_id=gid, group_name=name, months=[_month(m) for m in months])
            for gid, (name, months) in d.group_months.items()
        ],
    )


def event_contract(event: object, names: Names, today: date) -> EventPayload:
    """Translate a domain event to its wire contract, at the edge."""
    if isinstance(event, ev.ProgressCompiled):
        return progress_contract(event, names)
    if isinstance(event, RefresherDue):
        return mail_contract(event)
    extra = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(event).items() if k not in ("action", "item")}
    if type(event) in _ACTION_EVENTS:
        if isinstance(event, ev.ActionPlanned) and (
            event.action.schedule.kind == "zahltag" or event.action.schedule.job_centre
        ):
            extra["guideline"] = JOB_CENTRE_GUIDELINE
        return _ACTION_EVENTS[type(event)](action=action_snapshot(event.action, names), **extra)
    return _ITEM_EVENTS[type(event)](item=item_snapshot(event.item, today), **extra)
