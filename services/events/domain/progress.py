"""The progress report: per group and overall, what is planned, done, open, due and overdue."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType

from services.events.domain.actions import LIVE, Action, ActionStatus
from services.events.domain.campaigns import CampaignLine, CampaignReplica, campaign_lines
from services.events.domain.groups import GroupReplica, GroupStatus
from services.events.domain.workplan import WorkItem
from shared.clock import BERLIN

DUE_SOON = timedelta(days=14)
COMING_UP = timedelta(days=31)  # actions the report names under "what is next"


@dataclass(frozen=True)
class Tally:
    actions_planned: int = 0  # planned or confirmed, not yet held
    actions_done: int = 0  # held within the period
    invitations_open: int = 0  # of actions not yet held or cancelled
    items_due: int = 0  # due within the next 14 days
    items_overdue: int = 0
    items_done: int = 0  # done within the period
    # every action is in exactly one of these: ideas + planned + held + cancelled == total
    actions_total: int = 0
    actions_ideas: int = 0
    actions_confirmed: int = 0  # the confirmed part of planned
    actions_held: int = 0  # held or evaluated, at any time
    actions_cancelled: int = 0


@dataclass(frozen=True)
class TrainingLine:
    """A training date as the progress report names it; the service layer reads them from the training dates
    (the report only orders them)."""

    training_id: str
    title: str
    start: datetime
    registered: int
    waiting: int = 0
    attended: int | None = None  # recorded attendance (None: not yet)


@dataclass(frozen=True)
class ProgressReport:
    """Immutable, so the event that carries it cannot change afterwards; items are snapshots."""

    since: datetime
    until: datetime
    overall: Tally
    # group_id -> (name, tally), ordered by name
    groups: Mapping[str, tuple[str, Tally]] = field(default_factory=lambda: MappingProxyType({}))
    overdue: tuple[WorkItem, ...] = ()
    due: tuple[WorkItem, ...] = ()
    # what happened and what is next: the actions counted in actions_done, and the planned or confirmed
    # actions that begin within COMING_UP after `until`, earliest first (copies, so later changes do not show)
    held: tuple[Action, ...] = ()
    upcoming: tuple[Action, ...] = ()
    # survey campaigns running on a day of the period (or ended within it), the one ending first first; and the
    # training dates the service layer handed in, earliest first
    campaigns: tuple[CampaignLine, ...] = ()
    trainings: tuple[TrainingLine, ...] = ()


def _held_since(action: Action, since: datetime) -> bool:
    """Held (or evaluated) and ended within the period: what `actions_done` counts."""
    held = action.status in (ActionStatus.HELD, ActionStatus.EVALUATED)
    return bool(held and action.schedule.end and action.schedule.end >= since)


def _count_action(tally: Counter[str], action: Action, since: datetime, group_id: str | None) -> None:
    held = action.status in (ActionStatus.HELD, ActionStatus.EVALUATED)
    tally["actions_total"] += 1
    tally["actions_ideas"] += action.status == ActionStatus.IDEA
    tally["actions_planned"] += action.status in (ActionStatus.PLANNED, ActionStatus.CONFIRMED)
    tally["actions_confirmed"] += action.status == ActionStatus.CONFIRMED
    tally["actions_held"] += held
    tally["actions_cancelled"] += action.status == ActionStatus.CANCELLED
    tally["actions_done"] += _held_since(action, since)
    open_ = action.open_invitations() if action.status in LIVE else []
    tally["invitations_open"] += len(open_) if group_id is None else int(group_id in open_)


def compile_report(
    actions: list[Action],
    items: list[WorkItem],
    groups: list[GroupReplica],
    since: datetime,
    until: datetime,
    campaigns: Iterable[CampaignReplica] = (),
    trainings: Iterable[TrainingLine] = (),
) -> ProgressReport:
    today = until.date()
    names = {g.id: g.name for g in sorted((g for g in groups if g.status == GroupStatus.ACTIVE), key=lambda g: g.name)}
    overall, counts = Counter[str](), {group_id: Counter[str]() for group_id in names}
    for action in actions:
        _count_action(overall, action, since, None)
        for group_id in {action.organiser_group_id, *(g for g, _ in action.invitations)} & counts.keys():
            _count_action(counts[group_id], action, since, group_id)
    overdue_items, due_items = [], []
    for item in items:
        tallies = [overall] + ([counts[item.group_id]] if item.group_id in counts else [])
        due = item.due(today)
        overdue = item.overdue(today)
        done_recently = item.last_done is not None and item.last_done >= since.date()
        for tally in tallies:
            tally["items_overdue"] += overdue
            tally["items_due"] += bool(due and not overdue and today <= due <= today + DUE_SOON)
            tally["items_done"] += done_recently
        if overdue:
            overdue_items.append(item.snapshot())
        elif due and today <= due <= today + DUE_SOON:
            due_items.append(item.snapshot())
    by_group = MappingProxyType({group_id: (name, Tally(**counts[group_id])) for group_id, name in names.items()})
    held = sorted((a for a in actions if _held_since(a, since)), key=_start)
    upcoming = sorted(
        (
            a
            for a in actions
            if a.status in (ActionStatus.PLANNED, ActionStatus.CONFIRMED)
            and a.schedule.start
            and until <= a.schedule.start <= until + COMING_UP
        ),
        key=_start,
    )
    return ProgressReport(
        since,
        until,
        Tally(**overall),
        by_group,
        tuple(overdue_items),
        tuple(due_items),
        tuple(replace(a, events=[]) for a in held),
        tuple(replace(a, events=[]) for a in upcoming),
        campaign_lines(campaigns, since.astimezone(BERLIN).date(), until.astimezone(BERLIN).date()),
        tuple(sorted(trainings, key=lambda t: (t.start, t.title, t.training_id))),
    )


def _start(action: Action) -> tuple[bool, datetime | None, str]:
    return (action.schedule.start is None, action.schedule.start, action.name)


# --- the board's dashboard: the progress report for a period, and what it counts month by month ---


@dataclass(frozen=True)
class Month:
    """One calendar month (Berlin): actions that begin in it by how far they got, work-plan items done in it."""

    month: str  # "2026-03"
    actions_planned: int = 0  # planned for this month and not cancelled (planned, confirmed, held, evaluated)
    actions_confirmed: int = 0  # of those, confirmed or already held
    actions_done: int = 0  # of those, held (or evaluated)
    items_done: int = 0  # work-plan items whose last completion fell in this month


@dataclass(frozen=True)
class Dashboard:
    report: ProgressReport  # exactly what COMPILE_PROGRESS would compile for since..until
    months: tuple[Month, ...]
    group_months: Mapping[str, tuple[str, tuple[Month, ...]]]  # group_id -> (name, months), ordered by name


def months_between(since: datetime, until: datetime) -> list[str]:
    """The calendar months (Berlin) from since's to until's, as "YYYY-MM"."""
    first, last = since.astimezone(BERLIN), until.astimezone(BERLIN)
    year, month, found = first.year, first.month, []
    while (year, month) <= (last.year, last.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


_COUNTED = (ActionStatus.PLANNED, ActionStatus.CONFIRMED, ActionStatus.HELD, ActionStatus.EVALUATED)
_CONFIRMED = (ActionStatus.CONFIRMED, ActionStatus.HELD, ActionStatus.EVALUATED)


def _monthly(actions: list[Action], items: list[WorkItem], keys: list[str]) -> tuple[Month, ...]:
    counts = {key: Counter[str]() for key in keys}
    for action in actions:
        if action.status not in _COUNTED or action.schedule.start is None:
            continue
        key = f"{action.schedule.start.astimezone(BERLIN):%Y-%m}"
        if key in counts:
            counts[key]["actions_planned"] += 1
            counts[key]["actions_confirmed"] += action.status in _CONFIRMED
            counts[key]["actions_done"] += action.status in (ActionStatus.HELD, ActionStatus.EVALUATED)
    for item in items:
        if item.last_done is not None and (key := f"{item.last_done:%Y-%m}") in counts:
            counts[key]["items_done"] += 1
    return tuple(Month(key, **counts[key]) for key in keys)


def dashboard(
    actions: list[Action],
    items: list[WorkItem],
    groups: list[GroupReplica],
    since: datetime,
    until: datetime,
    campaigns: Iterable[CampaignReplica] = (),
    trainings: Iterable[TrainingLine] = (),
) -> Dashboard:
    """The report COMPILE_PROGRESS compiles for since..until (the same function), with monthly figures."""
    report = compile_report(actions, items, groups, since, until, campaigns, trainings)
    keys = months_between(since, until)
    # each action and item sorted to its groups once: a year of a state's groups is thousands of each
    own_actions: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        for group_id in {action.organiser_group_id, *(g for g, _ in action.invitations)}:
            own_actions[group_id].append(action)
    own_items: dict[str | None, list[WorkItem]] = defaultdict(list)
    for item in items:
        own_items[item.group_id].append(item)
    by_group = {
        group_id: (name, _monthly(own_actions[group_id], own_items[group_id], keys))
        for group_id, (name, _) in report.groups.items()
    }
    return Dashboard(report, _monthly(actions, items, keys), MappingProxyType(by_group))


def reminders_due(items: list[WorkItem], today: date, days_before: int) -> list[tuple[WorkItem, str, date]]:
    """(item, "erinnerung" | "ueberfaellig", due date) for what the responsible people should hear about."""
    found = []
    for item in items:
        if missed := item.overdue_since(today):
            found.append((item, "ueberfaellig", missed))
            continue
        due = item.due(today)
        if due is not None and 0 <= (due - today).days <= days_before:
            found.append((item, "erinnerung", due))
    return found


# --- what happened to it: each event carries a snapshot of the aggregate right after the change ---


@dataclass(frozen=True)
class ProgressCompiled:
    report: ProgressReport
    period_key: str
