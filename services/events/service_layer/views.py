"""Read side of action planning: actions, the work plan, calendars, the group replica, rebuilding it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from services.events.domain.actions import JOB_CENTRE_GUIDELINE, Action, ActionKind, Schedule, same_day
from services.events.domain.commands import FollowGroup
from services.events.domain.errors import InvalidInput, NotFound
from services.events.domain.groups import GroupReplica
from services.events.domain.progress import Dashboard
from services.events.domain.progress import dashboard as compile_dashboard
from services.events.domain.workplan import ItemStatus, WorkItem
from services.events.service_layer.periodic import training_lines
from services.events.service_layer.replica import replica_of
from services.events.service_layer.unit_of_work import UnitOfWork
from shared.clock import BERLIN


async def actions(uow: UnitOfWork, group_id: str | None = None, status: str | None = None) -> list[Action]:
    async with uow:
        found = await uow.actions.list()
    found = [
        a
        for a in found
        if (group_id is None or group_id == a.organiser_group_id or a.invitation(group_id))
        and (status is None or a.status == status)
    ]
    return sorted(found, key=lambda a: (a.schedule.start is None, a.schedule.start or 0, a.name))


async def action(uow: UnitOfWork, action_id: str) -> Action:
    async with uow:
        if found := await uow.actions.get(action_id):
            return found
    raise NotFound(f"Aktion {action_id} nicht gefunden.")


async def work_plan(uow: UnitOfWork, plan: str | None = None, only_open: bool = False) -> list[WorkItem]:
    async with uow:
        items = await uow.items.list(plan)
    return sorted(
        (i for i in items if not only_open or i.status != ItemStatus.DONE), key=lambda i: (i.plan, i.created_on, i.text)
    )


async def work_item(uow: UnitOfWork, item_id: str) -> WorkItem:
    async with uow:
        if found := await uow.items.get(item_id):
            return found
    raise NotFound("Diesen Arbeitsplanpunkt gibt es nicht (mehr).")


async def groups(uow: UnitOfWork, state: str | None = None) -> list[GroupReplica]:
    async with uow:
        return sorted(await uow.groups.list(state), key=lambda g: (g.state, g.name))


async def names(uow: UnitOfWork) -> dict[str, str]:
    return {g.id: g.name for g in await groups(uow)}


async def rebuild_groups(stream: list[FollowGroup], uow: UnitOfWork) -> int:
    """Forget the replica and rebuild it from the registry's group events, oldest first."""
    async with uow:
        await uow.groups.clear()
        built: dict[str, GroupReplica] = {}
        for follow in sorted(stream, key=lambda follow: follow.sequence):
            incoming = replica_of(follow)
            previous = built.get(follow.group_id)
            built[follow.group_id] = previous.after(incoming) if previous else replace(incoming, seen=1)
            for merged_id in follow.merged_group_ids:
                if merged_id in built:
                    built[merged_id] = built[merged_id].merged_into_group(follow.group_id, follow.sequence)
        for group in built.values():
            await uow.groups.add(group)
        await uow.commit()
    return len(built)


async def calendar_actions(uow: UnitOfWork, group_id: str | None) -> tuple[list[Action], dict[str, str], str]:
    """What a calendar feed shows: a group's own and accepted actions, or all; with names and a title."""
    known = await names(uow)
    found = await actions(uow)
    if group_id is None:
        return found, known, "Aktionen aller Regionalgruppen"
    if group_id not in known:
        raise NotFound(f"Regionalgruppe {group_id} ist hier nicht bekannt.")
    return [a for a in found if a.takes_part(group_id)], known, f"Aktionen – {known[group_id]}"


# --- the board (issue 15): the dashboard shares its counting with the progress report ---


async def dashboard(uow: UnitOfWork, since: datetime, until: datetime) -> Dashboard:
    """What COMPILE_PROGRESS would compile for since..until (the same function), with monthly figures."""
    if not since < until:
        raise InvalidInput("Der Zeitraum beginnt nicht vor seinem Ende.", fields={"since": "nach dem Ende"})
    async with uow:
        return compile_dashboard(
            await uow.actions.list(),
            await uow.items.list(),
            await uow.groups.list(),
            since,
            until,
            await uow.campaigns.list(),
            await training_lines(uow, since, until),
        )


async def reports(uow: UnitOfWork, limit: int) -> list[Any]:
    """The archived progress reports, newest first."""
    async with uow:
        return await uow.reports.list(limit)


async def report(uow: UnitOfWork, period_key: str) -> Any:
    async with uow:
        if found := await uow.reports.get(period_key):
            return found
    raise NotFound("Diesen Fortschrittsbericht gibt es im Archiv nicht.")


async def check_action(
    uow: UnitOfWork, organiser_group_id: str, schedule: Schedule, action_id: str | None, invited: tuple[str, ...]
) -> tuple[list[str], str]:
    """What planning (or changing) this action would warn of, without saving anything: (warnings, guideline).
    Input the planning would refuse is refused here too (InvalidInput, German)."""
    schedule.validate()
    if schedule.start is None:
        raise InvalidInput("Bitte Datum und Uhrzeit angeben.", fields={"datum": "fehlt"})
    known = await names(uow)
    if organiser_group_id not in known:
        raise NotFound(f"Regionalgruppe {organiser_group_id} ist hier nicht bekannt.")
    async with uow:
        others = await uow.actions.on_day(schedule.start.date())
    warnings = []
    for found in same_day(schedule, action_id, (organiser_group_id, *invited), others):
        other = found[1]
        at = f"{other.schedule.start.astimezone(BERLIN):%H:%M} Uhr"
        if found[0] == "jobcenter":
            warnings.append(f"Am selben Tag ist am {schedule.job_centre} schon „{other.name}“ geplant ({at}).")
        else:
            group = known.get(found[2], "eine Gruppe")
            warnings.append(f"Am selben Tag ist {group} schon bei „{other.name}“ dabei ({at}).")
    guideline = JOB_CENTRE_GUIDELINE if schedule.kind == ActionKind.ZAHLTAG or schedule.job_centre else ""
    return warnings, guideline
