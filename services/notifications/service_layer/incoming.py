"""What other services' events mean here: lists follow the registry's groups; planning, reminders
and the progress report become mails. Each event is handled once (inbox) with its deliveries.
The entrypoint turns each event into one of the typed commands of `domain/news.py`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from services.notifications.domain import addresses
from services.notifications.domain.errors import InvalidInput
from services.notifications.domain.lists import MailingList, group_list_id
from services.notifications.domain.news import (
    ActionNews,
    AnnounceAction,
    AnnounceOffice,
    FollowGroup,
    Person,
    RemindOfWorkItem,
    ReportProgress,
)
from services.notifications.domain.words import Policy, Role
from services.notifications.service_layer.membership import join
from services.notifications.service_layer.outgoing import mail_list, mail_moderators, mail_one, work_item_link
from services.notifications.service_layer.ports import Deps, UnitOfWork
from shared.clock import BERLIN

GROUP_POLICY = Policy.CONFIRM_AND_MODERATE
JOB_CENTRE_GUIDELINE = "Bitte beachtet: Mitarbeiter:innen der Jobcenter sollen sich nicht angegriffen fühlen."


async def _group_list(uow: UnitOfWork, group_id: str) -> MailingList | None:
    found = await uow.lists.list(group_id=group_id)
    return found[0] if found else None


async def _moderator(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, coordinator: Person | None) -> None:
    """A group's coordinator moderates its list (if the registry knows an address)."""
    if not coordinator or not coordinator.email:
        return
    try:
        address = addresses.address(coordinator.email)
    except InvalidInput:
        return
    member = await uow.store.member(mailing_list.id, address)
    if member is None:
        await join(deps, uow, mailing_list, address, addresses.display_name(coordinator.name), Role.MODERATION)
    elif member.make_moderator():
        await uow.store.save_member(member)


async def _board(deps: Deps, uow: UnitOfWork, kind: str, event_id: str, context: dict, summary: str) -> int:
    board = await uow.lists.get(deps.board_list)
    if board is None or not board.active:
        return 0
    return await mail_list(
        deps, uow, board, kind, event_id=event_id, context=context | {"list_name": board.name}, summary=summary
    )


async def follow_group(cmd: FollowGroup, deps: Deps) -> None:
    """Keep a regional group's list in step with the registry.

    Every group event carries the whole group, but one group's events can arrive out of order (one
    consumer per event type, and a crash delays one of them). So whichever comes first creates the
    list, and name, status and moderator follow only an event newer than the last one applied.
    """
    async with deps.uow() as uow:
        if not await uow.claim(cmd.event):
            return
        if cmd.formed:  # a key event: the board hears of it, even when it comes late
            headline = f"Neue Regionalgruppe: {cmd.name}"
            body = f"Koordination: {cmd.coordinator.name if cmd.coordinator else 'noch offen'}."
            await _board(deps, uow, "hinweis", cmd.event.event_id, {"headline": headline, "body": body}, headline)
        mailing_list = await _group_list(uow, cmd.group_id)
        if mailing_list is None:
            list_id = group_list_id(cmd.slug, cmd.name)
            mailing_list = await uow.lists.get(list_id) or MailingList(
                list_id, f"Regionalgruppe {cmd.name}", GROUP_POLICY, cmd.group_id
            )
            await uow.lists.put(mailing_list)
        if mailing_list.follow_group(cmd.name, cmd.sequence):  # the newest event counts
            await _moderator(deps, uow, mailing_list, cmd.coordinator)  # also when a rename came before the founding
            if cmd.dissolved:
                mailing_list.close()
        for merged_id in cmd.merged_group_ids:  # members only ever join: the order does not matter
            await _merge_into(uow, mailing_list, await _group_list(uow, merged_id))
        await uow.commit()


async def _merge_into(uow: UnitOfWork, target: MailingList, merged: MailingList | None) -> None:
    if merged is None or merged.id == target.id:
        return
    for member in await uow.store.members(merged.id, active_only=True):
        if await uow.store.member(target.id, member.address) is None:
            await uow.store.save_member(member.copy_to(target.id))
    merged.close()


async def announce_office(cmd: AnnounceOffice, deps: Deps) -> None:
    async with deps.uow() as uow:
        if not await uow.claim(cmd.event):
            return
        headline = f"Neue Beratungsstelle: {cmd.name}"
        body = f"{cmd.street}, {cmd.postcode} {cmd.city}\nTräger: {cmd.operator_name}"
        await _board(deps, uow, "hinweis", cmd.event.event_id, {"headline": headline, "body": body}, headline)
        await uow.commit()


def _action_context(action: ActionNews) -> dict:
    when = "noch offen"
    if action.start:
        start, end = action.start.astimezone(BERLIN), action.end.astimezone(BERLIN)  # type: ignore[union-attr]
        when = f"{start:%d.%m.%Y, %H:%M}–{end:%H:%M} Uhr"
    groups = [action.organiser_group_name] + [i.group_name for i in action.invitations if i.accepted]
    return {
        "kind_label": action.kind_label,
        "title": action.title,
        "when": when,
        "where": ", ".join(x for x in (action.job_centre, action.place) if x) or "noch offen",
        "responsible": ", ".join(action.responsible),
        "organiser": action.organiser_group_name,
        "groups": ", ".join(g for g in groups if g),
        "date": f"{action.start.astimezone(BERLIN):%d.%m.%Y}" if action.start else "",
    }


async def announce_action(cmd: AnnounceAction, deps: Deps) -> None:
    async with deps.uow() as uow:
        if not await uow.claim(cmd.event):
            return
        if cmd.what == "eingeladen":
            await _invite(deps, uow, cmd)
        else:
            await _tell_participants(deps, uow, cmd)
        await uow.commit()


async def _invite(deps: Deps, uow: UnitOfWork, cmd: AnnounceAction) -> None:
    action, context = cmd.action, _action_context(cmd.action)
    attachment = (("einladung.ics", "text/calendar", deps.calendar(action, deps.now())),)  # METHOD: see mail.build
    guideline = JOB_CENTRE_GUIDELINE if action.job_centre else ""
    for group_id in cmd.group_ids:
        target = await _group_list(uow, group_id)
        if target and target.active:
            name = next((i.group_name for i in action.invitations if i.group_id == group_id), "")
            await mail_list(
                deps,
                uow,
                target,
                "einladung",
                event_id=cmd.event.event_id,
                attachments=attachment,
                context=context | {"list_name": target.name, "group_name": name or target.name, "guideline": guideline},
                summary=f"Einladung: {action.title} ({context['when']})",
            )


async def _tell_participants(deps: Deps, uow: UnitOfWork, cmd: AnnounceAction) -> None:
    action, context = cmd.action, _action_context(cmd.action)
    headline = {"bestaetigt": "Aktion bestätigt", "abgesagt": "Aktion abgesagt"}[cmd.what]
    extra = {"headline": f"{headline}: {action.title}", "reason": action.cancel_reason}
    for group_id in action.participants:
        if (target := await _group_list(uow, group_id)) and target.active:
            await mail_list(
                deps,
                uow,
                target,
                "aktion",
                event_id=cmd.event.event_id,
                context=context | extra | {"list_name": target.name},
                summary=extra["headline"],
            )
    if cmd.what == "bestaetigt":  # a key event: the board hears at once
        await _board(deps, uow, "aktion", cmd.event.event_id, context | extra, extra["headline"])


async def remind_of_work_item(cmd: RemindOfWorkItem, deps: Deps) -> None:
    """Reminders and overdue notices go to the responsible people, found by name on the work-plan list."""
    due_in = "Überfällig" if cmd.overdue else f"Erinnerung: in {cmd.days_left} Tag(en) fällig"
    context = {
        "headline": f"{due_in} – {cmd.text[:60]}",
        "text": cmd.text,
        "timing": cmd.timing or "ohne Termin",
        "responsible": ", ".join(cmd.responsible) or "ohne V",
        "due": f"{cmd.due:%d.%m.%Y}",
        "link": work_item_link(deps, cmd.item_id),
    }
    event_id = cmd.event.event_id
    async with deps.uow() as uow:
        if not await uow.claim(cmd.event):
            return
        plan_list = await uow.lists.get(deps.workplan_list)
        if plan_list is not None:
            people = {
                m.address: m for name in cmd.responsible for m in await uow.store.members_named(plan_list.id, name)
            }
            for member in people.values():
                await mail_one(
                    deps,
                    uow,
                    "arbeitsplan",
                    event_id=event_id,
                    to_address=member.address,
                    to_name=member.display_name,
                    context=context,
                    mailing_list=plan_list,
                    personal_unsubscribe=True,
                )
            if not people:  # nobody by that name: the moderation hears of it, so nothing is lost
                await mail_moderators(deps, uow, plan_list, "arbeitsplan", event_id=event_id, context=context)
        await uow.commit()


WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def german_day(day: date) -> str:
    """`1. Dezember 2026`"""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def german_moment(moment: datetime | None) -> str:
    """`Dienstag, 1. Dezember 2026, 9:00 Uhr` in Berlin time; an action without a date: `Termin noch offen`."""
    if moment is None:
        return "Termin noch offen"
    local = moment.astimezone(BERLIN)
    return f"{WEEKDAYS[local.weekday()]}, {german_day(local.date())}, {local.hour}:{local.minute:02d} Uhr"


def _report_action(line: Mapping[str, Any]) -> dict[str, Any]:
    start = line.get("start")
    if isinstance(start, str):
        start = datetime.fromisoformat(start)
    return dict(line) | {"when": german_moment(start), "group_names": ", ".join(g for g in line["groups"] if g)}


def _report_item(line: Mapping[str, Any]) -> dict[str, Any]:
    due = line.get("due")
    if isinstance(due, str):
        due = date.fromisoformat(due)
    return dict(line) | {"due_text": german_day(due) if due else ""}


async def report_progress(cmd: ReportProgress, deps: Deps) -> None:
    base = deps.public_url.rstrip("/")
    context = {
        "since": german_day(cmd.since.astimezone(BERLIN).date()),
        "until": german_day(cmd.until.astimezone(BERLIN).date()),
        "overall": cmd.overall,
        "groups": cmd.groups,
        "overdue": [_report_item(line) for line in cmd.overdue],
        "due": [_report_item(line) for line in cmd.due],
        "held": [_report_action(line) for line in cmd.held],
        "upcoming": [_report_action(line) for line in cmd.upcoming],
        "dashboard_url": f"{base}/lage",
        "archive_url": f"{base}/lage/berichte/{quote(cmd.period_key, safe='')}" if cmd.period_key else "",
    }
    async with deps.uow() as uow:
        if not await uow.claim(cmd.event):
            return
        summary = f"Fortschrittsbericht bis {context['until']}"
        await _board(deps, uow, "fortschritt", cmd.event.event_id, context, summary)
        await uow.commit()
