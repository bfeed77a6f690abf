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
from services.notifications.service_layer.outgoing import blocked, mail_list, mail_moderators, mail_one, work_item_link
from services.notifications.service_layer.ports import Deps, UnitOfWork
from shared.clock import BERLIN, german_date, german_when

GROUP_POLICY = Policy.CONFIRM_AND_MODERATE
JOB_CENTRE_GUIDELINE = (
    "Bitte beachten Sie die Leitlinie der LAG: Die Aktion richtet sich gegen das SGB II, nicht gegen die Beschäftigten – "
    "Mitarbeiter:innen der Jobcenter sollen sich nicht angegriffen fühlen."
)


async def _group_list(uow: UnitOfWork, group_id: str) -> MailingList | None:
    found = await uow.lists.list(group_id=group_id)
    return found[0] if found else None


async def _moderator(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, coordinator: Person | None) -> None:
    """A group's coordinator moderates its list (if the registry knows an address, and it is not blocked: the
    registry refuses such a coordinator; this holds for events from before the objection, too)."""
    if not coordinator or not coordinator.email:
        return
    try:
        address = addresses.address(coordinator.email)
    except InvalidInput:
        return
    if await blocked(deps, uow, address):
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
    groups = [action.organiser_group_name] + [i.group_name for i in action.invitations if i.accepted]
    return {
        "kind_label": action.kind_label,
        "title": action.title,
        "heading": action.heading,
        "when": german_when(action.start, action.end) or "noch offen",
        "where": ", ".join(x for x in (action.job_centre, action.place) if x) or "noch offen",
        "responsible": ", ".join(action.responsible),
        "organiser": action.organiser_group_name,
        "groups": ", ".join(g for g in groups if g),
        "date": f"{action.start.astimezone(BERLIN):%d.%m.%Y}" if action.start else "",
        "link": "",
    }


def _slug(mailing_list: MailingList) -> str:
    """The group's readable name in the web pages' paths: its list is named after it (`rg-vogtland`). An earlier
    slug stays valid after a rename, so the list's name still leads to the group."""
    return mailing_list.id.removeprefix("rg-")


def _page(deps: Deps, mailing_list: MailingList, path: str) -> str:
    return f"{deps.public_url.rstrip('/')}/gruppen/{_slug(mailing_list)}{path}"


async def announce_action(cmd: AnnounceAction, deps: Deps) -> None:
    tell = {
        "eingeladen": _invite,
        "geantwortet": _answered,
        "geaendert": _changed,
        "durchgefuehrt": _held,
    }.get(cmd.what, _tell_participants)
    async with deps.uow() as uow:
        if not await uow.claim(cmd.event):
            return
        await tell(deps, uow, cmd)
        await uow.commit()


def _attachment(deps: Deps, action: ActionNews) -> tuple:
    return (("einladung.ics", "text/calendar", deps.calendar(action, deps.now())),)  # METHOD: see mail.build


async def _invite(deps: Deps, uow: UnitOfWork, cmd: AnnounceAction) -> None:
    """Each invited group's list: the invitation with its .ics, and the page where the coordination answers."""
    action, context = cmd.action, _action_context(cmd.action)
    guideline = JOB_CENTRE_GUIDELINE if action.job_centre else ""
    for group_id in cmd.group_ids:
        target = await _group_list(uow, group_id)
        if target and target.active:
            await mail_list(
                deps,
                uow,
                target,
                "einladung",
                event_id=cmd.event.event_id,
                attachments=_attachment(deps, action),
                context=context
                | {
                    "list_name": target.name,
                    "group_name": action.group_name(group_id) or target.name,
                    "guideline": guideline,
                    "link": _page(deps, target, f"/einladungen#aktion-{action.action_id}"),
                },
                summary=f"Einladung: {action.title} ({context['date'] or context['when']})",
            )


async def _answered(deps: Deps, uow: UnitOfWork, cmd: AnnounceAction) -> None:
    """The organising group's coordination hears each answer, with the state of all answers and the action's page."""
    action = cmd.action
    target = await _group_list(uow, action.organiser_group_id)
    if target is None or not target.active:
        return
    answering = action.group_name(cmd.group_ids[0]) if cmd.group_ids else ""
    words = {"zugesagt": "zugesagt", "abgesagt": "abgesagt", "offen": "noch keine Antwort"}
    open_left = sum(1 for i in action.invitations if i.answer == "offen")
    context = _action_context(action) | {
        "list_name": target.name,
        "answering": answering or "Eine eingeladene Gruppe",
        "accepted": cmd.accepted,
        "answer_word": "zugesagt" if cmd.accepted else "abgesagt",
        "answers": [(i.group_name, words.get(i.answer, i.answer)) for i in action.invitations],
        "open_left": open_left,
        "link": _page(deps, target, f"/aktionen/{action.action_id}"),
    }
    await mail_moderators(deps, uow, target, "antwort", event_id=cmd.event.event_id, context=context)


SHOWN = {"kind", "title", "place", "job_centre", "start", "end"}  # a change the invited groups hear of


async def _changed(deps: Deps, uow: UnitOfWork, cmd: AnnounceAction) -> None:
    """Invited groups that have not declined hear of a new time or place, with the new .ics (same UID)."""
    action = cmd.action
    if not SHOWN.intersection(cmd.changed):
        return
    moved = bool({"start", "end"}.intersection(cmd.changed))
    extra = {"headline": f"{'Neuer Termin' if moved else 'Geändert'}: {action.title}", "reason": ""}
    for invitation in action.invitations:
        if invitation.answer not in ("offen", "zugesagt"):
            continue
        target = await _group_list(uow, invitation.group_id)
        if target and target.active:
            await mail_list(
                deps,
                uow,
                target,
                "aktion",
                event_id=cmd.event.event_id,
                attachments=_attachment(deps, action),
                context=_action_context(action)
                | extra
                | {"list_name": target.name, "link": _page(deps, target, f"/aktionen/{action.action_id}")},
                summary=extra["headline"],
            )


async def _held(deps: Deps, uow: UnitOfWork, cmd: AnnounceAction) -> None:
    """The board's short report when an action was held."""
    action = cmd.action
    organiser = await _group_list(uow, action.organiser_group_id)
    link = _page(deps, organiser, f"/aktionen/{action.action_id}") if organiser else ""
    context = _action_context(action) | {
        "headline": f"Aktion durchgeführt: {action.title}",
        "participants": action.participants_count,
        "notes": action.notes,
        "press": action.press,
        "link": link,
    }
    await _board(deps, uow, "bericht", cmd.event.event_id, context, context["headline"])


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
                context=context
                | extra
                | {"list_name": target.name, "link": _page(deps, target, f"/aktionen/{action.action_id}")},
                summary=extra["headline"],
            )
    if cmd.what == "bestaetigt":  # a key event: the board hears at once
        organiser = await _group_list(uow, action.organiser_group_id)
        link = _page(deps, organiser, f"/aktionen/{action.action_id}") if organiser else ""
        await _board(deps, uow, "aktion", cmd.event.event_id, context | extra | {"link": link}, extra["headline"])


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


def german_day(day: date) -> str:
    """`1. Dezember 2026`"""
    return german_date(day)


def german_moment(moment: datetime | None) -> str:
    """`Dienstag, 1. Dezember 2026, 9:00 Uhr` in Berlin time; an action without a date: `Termin noch offen`."""
    return german_when(moment) or "Termin noch offen"


def _when(line: Mapping[str, Any]) -> str:
    """A report line's `start` (a datetime, or its ISO text as dumped) as German text."""
    start = line.get("start")
    return german_moment(datetime.fromisoformat(start) if isinstance(start, str) else start)


def _report_action(line: Mapping[str, Any]) -> dict[str, Any]:
    return dict(line) | {"when": _when(line), "group_names": ", ".join(g for g in line["groups"] if g)}


def _report_item(line: Mapping[str, Any]) -> dict[str, Any]:
    due = line.get("due")
    if isinstance(due, str):
        due = date.fromisoformat(due)
    return dict(line) | {"due_text": german_day(due) if due else ""}


def _report_campaign(line: Mapping[str, Any]) -> dict[str, Any]:
    ends = line.get("ends_on")
    if isinstance(ends, str):
        ends = date.fromisoformat(ends)
    return dict(line) | {"ends_text": german_day(ends) if ends else ""}


def _report_training(line: Mapping[str, Any]) -> dict[str, Any]:
    return dict(line) | {"when": _when(line)}


def progress_context(cmd: ReportProgress, public_url: str) -> dict[str, Any]:
    """What the progress mail shows, as plain data for its template."""
    base = public_url.rstrip("/")
    return {
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
        "campaigns": [_report_campaign(line) for line in cmd.campaigns],
        "trainings": [_report_training(line) for line in cmd.trainings],
    }


async def report_progress(cmd: ReportProgress, deps: Deps) -> None:
    context = progress_context(cmd, deps.public_url)
    async with deps.uow() as uow:
        if not await uow.claim(cmd.event):
            return
        summary = f"Fortschrittsbericht bis {context['until']}"
        await _board(deps, uow, "fortschritt", cmd.event.event_id, context, summary)
        await uow.commit()
