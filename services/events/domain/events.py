"""What happened in action planning, by aggregate. Each event lives with its aggregate (so the domain has no
import cycles) and carries a snapshot of it as it was right after the change; this module names them all.
"""

from __future__ import annotations

from services.events.domain.actions import (
    ActionCancelled,
    ActionCompleted,
    ActionConfirmed,
    ActionEvaluated,
    ActionPlanned,
    ActionUpdated,
    GroupsInvited,
    InvitationAccepted,
    InvitationDeclined,
)
from services.events.domain.progress import (
    ProgressCompiled,
)
from services.events.domain.refresher import RefresherDue
from services.events.domain.workplan import (
    ReminderDue,
    WorkItemAdded,
    WorkItemDone,
    WorkItemOverdue,
    WorkItemUpdated,
)

ACTION_EVENTS = (
    ActionPlanned,
    ActionUpdated,
    GroupsInvited,
    InvitationAccepted,
    InvitationDeclined,
    ActionConfirmed,
    ActionCompleted,
    ActionEvaluated,
    ActionCancelled,
)
WORK_ITEM_EVENTS = (
    WorkItemAdded,
    WorkItemUpdated,
    WorkItemDone,
    ReminderDue,
    WorkItemOverdue,
)
PROGRESS_EVENTS = (ProgressCompiled,)
MAIL_EVENTS = (RefresherDue,)
ALL = ACTION_EVENTS + WORK_ITEM_EVENTS + PROGRESS_EVENTS + MAIL_EVENTS

__all__ = [
    "ActionCancelled",
    "ActionCompleted",
    "ActionConfirmed",
    "ActionEvaluated",
    "ActionPlanned",
    "ActionUpdated",
    "GroupsInvited",
    "InvitationAccepted",
    "InvitationDeclined",
    "ReminderDue",
    "WorkItemAdded",
    "WorkItemDone",
    "WorkItemOverdue",
    "WorkItemUpdated",
    "ProgressCompiled",
    "RefresherDue",
    "ALL",
]
