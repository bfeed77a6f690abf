"""Use cases of action planning. Each handler owns its transaction; every change records one event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from services.events.domain import commands
from services.events.domain.actions import JOB_CENTRE_GUIDELINE, Action, same_day_same_job_centre
from services.events.domain.errors import NotFound
from services.events.domain.groups import require
from services.events.domain.responsibility import parse_responsible
from services.events.domain.timing import OnDate, Period, Periods, Timing, parse_timing
from services.events.domain.workplan import WorkItem
from services.events.service_layer.unit_of_work import UnitOfWork


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Planned:
    action: Action
    warnings: tuple[str, ...]
    guideline: str


async def _action(uow: UnitOfWork, action_id: str) -> Action:
    if action := await uow.actions.get(action_id):
        return action
    raise NotFound(f"Aktion {action_id} nicht gefunden.")


async def _item(uow: UnitOfWork, item_id: str) -> WorkItem:
    if item := await uow.items.get(item_id):
        return item
    raise NotFound(f"Arbeitsplanpunkt {item_id} nicht gefunden.")


async def _planned(uow: UnitOfWork, action: Action) -> Planned:
    start = action.schedule.start
    clashes = same_day_same_job_centre(action, await uow.actions.on_day(start.date()) if start else [])
    warnings = tuple(
        f"Am selben Tag ist am {action.schedule.job_centre} schon „{o.name}“ geplant ({o.schedule.start:%H:%M} Uhr)."
        for o in clashes
    )
    guideline = JOB_CENTRE_GUIDELINE if action.schedule.kind == "zahltag" or action.schedule.job_centre else ""
    return Planned(action, warnings, guideline)


async def plan_action(cmd: commands.PlanAction, uow: UnitOfWork) -> Planned:
    async with uow:
        if cmd.action_id and (existing := await uow.actions.get(cmd.action_id)):
            return await _planned(uow, existing)  # the same request again
        require(await uow.groups.get(cmd.organiser_group_id), cmd.organiser_group_id).ensure_invitable()
        action = Action.plan(cmd.action_id or new_id(), cmd.organiser_group_id, cmd.schedule, cmd.as_idea)
        await uow.actions.add(action)
        planned = await _planned(uow, action)
        await uow.commit()
    return planned


async def reschedule_action(cmd: commands.RescheduleAction, uow: UnitOfWork) -> Planned:
    async with uow:
        action = await _action(uow, cmd.action_id)
        action.reschedule(cmd.schedule)
        planned = await _planned(uow, action)
        await uow.commit()
    return planned


async def invite_groups(cmd: commands.InviteGroups, uow: UnitOfWork) -> Action:
    async with uow:
        action = await _action(uow, cmd.action_id)
        for group_id in cmd.group_ids:
            require(await uow.groups.get(group_id), group_id).ensure_invitable()
        action.invite(cmd.group_ids)
        await uow.commit()
    return action


async def _change(uow: UnitOfWork, action_id: str, change) -> Action:  # noqa: ANN001
    async with uow:
        action = await _action(uow, action_id)
        change(action)
        await uow.commit()
    return action


async def respond_to_invitation(cmd: commands.RespondToInvitation, uow: UnitOfWork) -> Action:
    return await _change(uow, cmd.action_id, lambda a: a.respond(cmd.group_id, cmd.accept))


async def confirm_action(cmd: commands.ConfirmAction, uow: UnitOfWork) -> Action:
    return await _change(uow, cmd.action_id, Action.confirm)


async def complete_action(cmd: commands.CompleteAction, uow: UnitOfWork) -> Action:
    return await _change(uow, cmd.action_id, lambda a: a.complete(cmd.report, cmd.now))


async def evaluate_action(cmd: commands.EvaluateAction, uow: UnitOfWork) -> Action:
    return await _change(uow, cmd.action_id, lambda a: a.evaluate(cmd.evaluation))


async def cancel_action(cmd: commands.CancelAction, uow: UnitOfWork) -> Action:
    return await _change(uow, cmd.action_id, lambda a: a.cancel(cmd.reason))


def work_item(cmd: commands.AddWorkItem) -> WorkItem:
    year = cmd.default_year or cmd.today.year
    timing = parse_timing(cmd.timing, year) if cmd.timing is not None else None
    responsible = parse_responsible(cmd.responsible)
    return WorkItem.add(
        cmd.item_id or new_id(), cmd.plan, cmd.text, responsible, timing, cmd.timing or "", cmd.today, cmd.group_id
    )


async def add_work_item(cmd: commands.AddWorkItem, uow: UnitOfWork) -> WorkItem:
    async with uow:
        if cmd.item_id and (existing := await uow.items.get(cmd.item_id)):
            return existing
        item = work_item(cmd)
        await uow.items.add(item)
        await uow.commit()
    return item


async def _change_item(uow: UnitOfWork, item_id: str, change) -> WorkItem:  # noqa: ANN001
    async with uow:
        item = await _item(uow, item_id)
        change(item)
        await uow.commit()
    return item


async def set_work_item_status(cmd: commands.SetWorkItemStatus, uow: UnitOfWork) -> WorkItem:
    return await _change_item(uow, cmd.item_id, lambda i: i.set_status(cmd.status))


async def add_progress_note(cmd: commands.AddProgressNote, uow: UnitOfWork) -> WorkItem:
    return await _change_item(uow, cmd.item_id, lambda i: i.add_note(cmd.note))


async def complete_work_item(cmd: commands.CompleteWorkItem, uow: UnitOfWork) -> WorkItem:
    return await _change_item(uow, cmd.item_id, lambda i: i.complete(cmd.on))


def year_of(timing: Timing | None) -> int | None:
    """The year a T lies in, for reading a new T without a year in the same context (a 2017 plan stays in 2017)."""
    match timing:
        case OnDate(day=day):
            return day.year
        case Period(start=start):
            return start.year
        case Periods(periods=periods):
            return periods[0].start.year
    return None


async def change_work_item_responsible(cmd: commands.ChangeWorkItemResponsible, uow: UnitOfWork) -> WorkItem:
    responsible = parse_responsible(cmd.responsible)
    return await _change_item(uow, cmd.item_id, lambda i: i.reassign(responsible, cmd.on, cmd.author))


async def reschedule_work_item(cmd: commands.RescheduleWorkItem, uow: UnitOfWork) -> WorkItem:
    def change(item: WorkItem) -> None:
        year = cmd.year or year_of(item.timing) or cmd.on.year
        item.reschedule(parse_timing(cmd.timing, year), cmd.timing, cmd.on, cmd.author)

    return await _change_item(uow, cmd.item_id, change)


HANDLERS = {
    commands.PlanAction: plan_action,
    commands.RescheduleAction: reschedule_action,
    commands.InviteGroups: invite_groups,
    commands.RespondToInvitation: respond_to_invitation,
    commands.ConfirmAction: confirm_action,
    commands.CompleteAction: complete_action,
    commands.EvaluateAction: evaluate_action,
    commands.CancelAction: cancel_action,
    commands.AddWorkItem: add_work_item,
    commands.SetWorkItemStatus: set_work_item_status,
    commands.AddProgressNote: add_progress_note,
    commands.CompleteWorkItem: complete_work_item,
    commands.ChangeWorkItemResponsible: change_work_item_responsible,
    commands.RescheduleWorkItem: reschedule_work_item,
}


async def handle(cmd: object, uow: UnitOfWork) -> object:
    """The message bus: one command, one handler."""
    return await HANDLERS[type(cmd)](cmd, uow)
