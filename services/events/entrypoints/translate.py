"""Wire requests → domain commands. Naive times are taken as Europe/Berlin."""

from __future__ import annotations

from datetime import datetime

from services.events.domain import commands
from services.events.domain.actions import Report, Schedule
from services.events.domain.workplan import Note
from shared.clock import BERLIN, Clock
from shared.contracts import events as c


def berlin(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=BERLIN) if moment.tzinfo is None else moment.astimezone(BERLIN)


def schedule(x: c.ScheduleInput) -> Schedule:
    responsible = tuple(r.strip() for r in x.responsible if r.strip())
    return Schedule(
        x.kind, x.title.strip(), x.place.strip(), x.job_centre.strip(), berlin(x.start), berlin(x.end), responsible
    )


def command(request: object, clock: Clock) -> object:
    today = clock.today()
    match request:
        case c.PlanAction():
            return commands.PlanAction(
                request.organiser_group_id, schedule(request), request.as_idea, request.action_id
            )
        case c.RescheduleAction():
            return commands.RescheduleAction(request.action_id, schedule(request))
        case c.InviteGroups():
            return commands.InviteGroups(request.action_id, tuple(request.group_ids))
        case c.RespondToInvitation():
            return commands.RespondToInvitation(request.action_id, request.group_id, request.accept)
        case c.ActionRef():
            return commands.ConfirmAction(request.action_id)
        case c.CompleteAction():
            return commands.CompleteAction(
                request.action_id, Report(request.participants, request.notes, request.press), clock.now()
            )
        case c.EvaluateAction():
            return commands.EvaluateAction(request.action_id, request.evaluation)
        case c.CancelAction():
            return commands.CancelAction(request.action_id, request.reason)
        case c.AddWorkItem():
            return commands.AddWorkItem(
                request.plan,
                request.text,
                request.responsible,
                request.timing,
                today,
                request.year,
                request.group_id,
                request.item_id,
            )
        case c.WorkItemStatus():
            return commands.SetWorkItemStatus(request.item_id, request.status)
        case c.WorkItemNote():
            return commands.AddProgressNote(request.item_id, Note(today, request.text, request.author))
        case c.ItemRef():
            return commands.CompleteWorkItem(request.item_id, today)
    raise TypeError(f"Keine Übersetzung für {type(request).__name__}")
