"""What other services' events mean here: lists follow the registry's groups; planning, reminders
and the progress report become mails. Each event is handled once (inbox) with its deliveries."""

from __future__ import annotations

from typing import Any

from services.notifications.domain import addresses
from services.notifications.domain.errors import InvalidInput
from services.notifications.domain.lists import MailingList, Member, group_list_id
from services.notifications.service_layer.membership import join
from services.notifications.service_layer.outgoing import mail_list, mail_moderators, mail_one
from services.notifications.service_layer.ports import Deps
from shared import context
from shared.clock import BERLIN

GROUP_POLICY = "bestaetigen_und_moderiert"


async def _group_list(uow, group_id: str) -> MailingList | None:  # noqa: ANN001
    found = await uow.lists.list(group_id=group_id)
    return found[0] if found else None


async def _moderator(deps: Deps, uow, mailing_list: MailingList, coordinator: Any) -> None:  # noqa: ANN001
    """A group's coordinator moderates its list (if the registry knows an address)."""
    if not coordinator or not coordinator.email:
        return
    try:
        address = addresses.address(coordinator.email)
    except InvalidInput:
        return
    member = await uow.store.member(mailing_list.id, address)
    if member is None:
        await join(deps, uow, mailing_list, address, addresses.display_name(coordinator.name), "moderation")
    elif member.active and member.role == "mitglied":
        member.role = "moderation"
        await uow.store.save_member(member)


async def _board(deps: Deps, uow, kind: str, event_id: str, context: dict, summary: str) -> int:  # noqa: ANN001
    board = await uow.lists.get(deps.board_list)
    if board is None or board.status != "aktiv":
        return 0
    return await mail_list(
        deps, uow, board, kind, event_id=event_id, context=context | {"list_name": board.name}, summary=summary
    )


async def on_registry_group(deps: Deps, envelope: Any) -> None:
    """Keep a regional group's list in step with the registry.

    Every group event carries the whole group, but one group's events can arrive out of order (one
    consumer per event type, and a crash delays one of them). So whichever comes first creates the
    list, and name, status and moderator follow only an event newer than the last one applied.
    """
    p, event_id = envelope.payload, str(envelope.event_id)
    sequence = context.current().stream_sequence or 0
    async with deps.uow() as uow:
        if not await uow.claim(envelope):
            return
        if envelope.type == "group.formed":  # a key event: the board hears of it, even when it comes late
            headline = f"Neue Regionalgruppe: {p.name}"
            await _board(
                deps,
                uow,
                "hinweis",
                event_id,
                {
                    "headline": headline,
                    "body": f"Koordination: {p.coordinator.name if p.coordinator else 'noch offen'}.",
                },
                headline,
            )
        mailing_list = await _group_list(uow, p.group_id)
        if mailing_list is None:
            list_id = group_list_id(getattr(p, "slug", ""), p.name)
            mailing_list = await uow.lists.get(list_id) or MailingList(
                list_id, f"Regionalgruppe {p.name}", GROUP_POLICY, p.group_id
            )
            await uow.lists.put(mailing_list)
        if sequence >= mailing_list.group_sequence:  # every event carries the whole group: the newest one counts
            mailing_list.group_sequence = sequence
            mailing_list.name = f"Regionalgruppe {p.name}"
            await _moderator(deps, uow, mailing_list, p.coordinator)  # also when a rename came before the founding
            if envelope.type == "group.dissolved":
                mailing_list.status = "geschlossen"
        if envelope.type == "group.merged":  # members only ever join: the order does not matter
            for merged_id in p.merged_group_ids:
                await _merge_into(uow, mailing_list, await _group_list(uow, merged_id))
        await uow.commit()


async def _merge_into(uow, target: MailingList, merged: MailingList | None) -> None:  # noqa: ANN001
    if merged is None or merged.id == target.id:
        return
    for member in await uow.store.members(merged.id, active_only=True):
        if await uow.store.member(target.id, member.address) is None:
            await uow.store.save_member(
                Member(
                    target.id, member.address, member.display_name, member.role, member.delivery, "aktiv", member.since
                )
            )
    merged.status = "geschlossen"


async def on_office_registered(deps: Deps, envelope: Any) -> None:
    office = envelope.payload.office
    async with deps.uow() as uow:
        if not await uow.claim(envelope):
            return
        headline = f"Neue Beratungsstelle: {office.name}"
        body = f"{office.street}, {office.postcode} {office.city}\nTräger: {office.operator_name}"
        await _board(deps, uow, "hinweis", str(envelope.event_id), {"headline": headline, "body": body}, headline)
        await uow.commit()


def _action_context(action: Any) -> dict:
    when = "noch offen"
    if action.start:
        start, end = action.start.astimezone(BERLIN), action.end.astimezone(BERLIN)
        when = f"{start:%d.%m.%Y, %H:%M}–{end:%H:%M} Uhr"
    groups = [action.organiser_group_name] + [i.group_name for i in action.invitations if i.status == "zugesagt"]
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


async def on_action(deps: Deps, envelope: Any) -> None:
    p, event_id = envelope.payload, str(envelope.event_id)
    action, context = p.action, _action_context(p.action)
    async with deps.uow() as uow:
        if not await uow.claim(envelope):
            return
        if envelope.type == "action.invited":
            attachment = (
                ("einladung.ics", "text/calendar", deps.calendar(action, deps.now())),
            )  # METHOD: see mail.build
            guideline = getattr(p, "guideline", "") or (
                "Bitte beachtet: Mitarbeiter:innen der Jobcenter sollen sich nicht angegriffen fühlen."
                if action.job_centre
                else ""
            )
            for group_id in p.group_ids:
                target = await _group_list(uow, group_id)
                if target and target.status == "aktiv":
                    name = next((i.group_name for i in action.invitations if i.group_id == group_id), "")
                    await mail_list(
                        deps,
                        uow,
                        target,
                        "einladung",
                        event_id=event_id,
                        attachments=attachment,
                        context=context
                        | {"list_name": target.name, "group_name": name or target.name, "guideline": guideline},
                        summary=f"Einladung: {action.title} ({context['when']})",
                    )
        else:
            headline = {"action.confirmed": "Aktion bestätigt", "action.cancelled": "Aktion abgesagt"}[envelope.type]
            participants = [action.organiser_group_id] + [
                i.group_id for i in action.invitations if i.status == "zugesagt"
            ]
            extra = {"headline": f"{headline}: {action.title}", "reason": action.cancel_reason}
            for group_id in participants:
                if (target := await _group_list(uow, group_id)) and target.status == "aktiv":
                    await mail_list(
                        deps,
                        uow,
                        target,
                        "aktion",
                        event_id=event_id,
                        context=context | extra | {"list_name": target.name},
                        summary=extra["headline"],
                    )
            if envelope.type == "action.confirmed":  # a key event: the board hears at once
                await _board(deps, uow, "aktion", event_id, context | extra, extra["headline"])
        await uow.commit()


async def on_work_item(deps: Deps, envelope: Any) -> None:
    """Reminders and overdue notices go to the responsible people, found by name on the work-plan list."""
    p, item = envelope.payload, envelope.payload.item
    overdue = envelope.type == "workitem.overdue"
    headline = ("Überfällig" if overdue else f"Erinnerung: in {p.days_left} Tag(en) fällig") + f" – {item.text[:60]}"
    context = {
        "headline": headline,
        "text": item.text,
        "timing": item.timing.text or "ohne Termin",
        "responsible": ", ".join(r.name for r in item.responsible) or "ohne V",
        "due": f"{p.due:%d.%m.%Y}",
    }
    async with deps.uow() as uow:
        if not await uow.claim(envelope):
            return
        plan_list = await uow.lists.get(deps.workplan_list)
        if plan_list is not None:
            people = {
                m.address: m for r in item.responsible for m in await uow.store.members_named(plan_list.id, r.name)
            }
            if people:
                for member in people.values():
                    await mail_one(
                        deps,
                        uow,
                        "arbeitsplan",
                        event_id=str(envelope.event_id),
                        to_address=member.address,
                        to_name=member.display_name,
                        context=context,
                        mailing_list=plan_list,
                        personal_unsubscribe=True,
                    )
            else:  # nobody by that name: the moderation hears of it, so nothing is lost
                await mail_moderators(
                    deps, uow, plan_list, "arbeitsplan", event_id=str(envelope.event_id), context=context
                )
        await uow.commit()


async def on_progress(deps: Deps, envelope: Any) -> None:
    p = envelope.payload
    context = {
        "since": f"{p.since.astimezone(BERLIN):%d.%m.%Y}",
        "until": f"{p.until.astimezone(BERLIN):%d.%m.%Y}",
        "overall": p.overall,
        "groups": p.groups,
        "overdue": p.overdue,
        "due": p.due,
    }
    async with deps.uow() as uow:
        if not await uow.claim(envelope):
            return
        await _board(
            deps, uow, "fortschritt", str(envelope.event_id), context, f"Fortschrittsbericht bis {context['until']}"
        )
        await uow.commit()
