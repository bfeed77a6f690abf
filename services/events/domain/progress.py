"""The progress report: per group and overall, what is planned, done, open, due and overdue."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType

from services.events.domain.actions import LIVE, Action, ActionStatus
from services.events.domain.groups import GroupReplica, GroupStatus
from services.events.domain.workplan import WorkItem

DUE_SOON = timedelta(days=14)


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
class ProgressReport:
    """Immutable, so the event that carries it cannot change afterwards; items are snapshots."""

    since: datetime
    until: datetime
    overall: Tally
    # group_id -> (name, tally), ordered by name
    groups: Mapping[str, tuple[str, Tally]] = field(default_factory=lambda: MappingProxyType({}))
    overdue: tuple[WorkItem, ...] = ()
    due: tuple[WorkItem, ...] = ()


def _count_action(tally: Counter[str], action: Action, since: datetime, group_id: str | None) -> None:
    held = action.status in (ActionStatus.HELD, ActionStatus.EVALUATED)
    tally["actions_total"] += 1
    tally["actions_ideas"] += action.status == ActionStatus.IDEA
    tally["actions_planned"] += action.status in (ActionStatus.PLANNED, ActionStatus.CONFIRMED)
    tally["actions_confirmed"] += action.status == ActionStatus.CONFIRMED
    tally["actions_held"] += held
    tally["actions_cancelled"] += action.status == ActionStatus.CANCELLED
    tally["actions_done"] += bool(held and action.schedule.end and action.schedule.end >= since)
    open_ = action.open_invitations() if action.status in LIVE else []
    tally["invitations_open"] += len(open_) if group_id is None else int(group_id in open_)


def compile_report(
    actions: list[Action], items: list[WorkItem], groups: list[GroupReplica], since: datetime, until: datetime
) -> ProgressReport:
    today = until.date()
    names = {g.id: g.name for g in sorted((g for g in groups if g.status == GroupStatus.ACTIVE), key=lambda g: g.name)}
    overall, counts = Counter[str](), {group_id: Counter[str]() for group_id in names}
    for action in actions:
        _count_action(overall, action, since, None)
        for group_id in {action.organiser_group_id, *(g for g, _ in action.invitations)} & set(counts):
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
    return ProgressReport(since, until, Tally(**overall), by_group, tuple(overdue_items), tuple(due_items))


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
