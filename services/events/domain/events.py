"""What happened in action planning. Each carries the aggregate as it was right after the change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.events.domain.actions import Action
    from services.events.domain.progress import ProgressReport
    from services.events.domain.workplan import WorkItem


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


@dataclass(frozen=True)
class WorkItemAdded:
    item: WorkItem


@dataclass(frozen=True)
class WorkItemUpdated:
    item: WorkItem
    changed: tuple[str, ...]


@dataclass(frozen=True)
class WorkItemDone:
    item: WorkItem
    on: date


@dataclass(frozen=True)
class ReminderDue:
    item: WorkItem
    due: date
    days_left: int


@dataclass(frozen=True)
class WorkItemOverdue:
    item: WorkItem
    due: date


@dataclass(frozen=True)
class ProgressCompiled:
    report: ProgressReport
    period_key: str
