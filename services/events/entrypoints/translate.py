"""Wire requests → domain commands, chosen by the subject a request came on. Naive times are taken as Europe/Berlin.

Keyed by spec, not by the request's type: several subjects share a request type (`ActionRef` confirms an
action on `events.cmd.confirm_action` and only names one on `events.query.action`).
Other services' events become typed commands here too (`follow_group`, `forget_person`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.events.domain import commands
from services.events.domain.actions import Report, Schedule
from services.events.domain.groups import GroupStatus
from services.events.domain.workplan import Note
from services.events.entrypoints.training_translate import TRAINING_TRANSLATIONS
from shared.clock import BERLIN, Clock
from shared.contracts import Envelope, RequestSpec, notifications, registry
from shared.contracts import events as c

Translation = Callable[[Any, Clock], object]


def berlin(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=BERLIN) if moment.tzinfo is None else moment.astimezone(BERLIN)


def schedule(x: c.ScheduleInput) -> Schedule:
    responsible = tuple(r.strip() for r in x.responsible if r.strip())
    return Schedule(
        x.kind, x.title.strip(), x.place.strip(), x.job_centre.strip(), berlin(x.start), berlin(x.end), responsible
    )


def plan_action(r: c.PlanAction, _: Clock) -> commands.PlanAction:
    return commands.PlanAction(r.organiser_group_id, schedule(r), r.as_idea, r.action_id)


def complete_action(r: c.CompleteAction, clock: Clock) -> commands.CompleteAction:
    return commands.CompleteAction(r.action_id, Report(r.participants, r.notes, r.press), clock.now())


def add_work_item(r: c.AddWorkItem, clock: Clock) -> commands.AddWorkItem:
    return commands.AddWorkItem(r.plan, r.text, r.responsible, r.timing, clock.today(), r.year, r.group_id, r.item_id)


def note_work_item(r: c.WorkItemNote, clock: Clock) -> commands.AddProgressNote:
    return commands.AddProgressNote(r.item_id, Note(clock.today(), r.text, r.author))


TRANSLATIONS: dict[RequestSpec, Translation] = {
    c.PLAN_ACTION: plan_action,
    c.RESCHEDULE_ACTION: lambda r, _: commands.RescheduleAction(r.action_id, schedule(r)),
    c.INVITE_GROUPS: lambda r, _: commands.InviteGroups(r.action_id, tuple(r.group_ids)),
    c.RESPOND_TO_INVITATION: lambda r, _: commands.RespondToInvitation(r.action_id, r.group_id, r.accept),
    c.CONFIRM_ACTION: lambda r, _: commands.ConfirmAction(r.action_id),
    c.COMPLETE_ACTION: complete_action,
    c.EVALUATE_ACTION: lambda r, _: commands.EvaluateAction(r.action_id, r.evaluation),
    c.CANCEL_ACTION: lambda r, _: commands.CancelAction(r.action_id, r.reason),
    c.ADD_WORK_ITEM: add_work_item,
    c.SET_WORK_ITEM_STATUS: lambda r, _: commands.SetWorkItemStatus(r.item_id, r.status),
    c.NOTE_WORK_ITEM: note_work_item,
    c.COMPLETE_WORK_ITEM: lambda r, clock: commands.CompleteWorkItem(r.item_id, clock.today()),
    c.CHANGE_WORK_ITEM_RESPONSIBLE: lambda r, clock: commands.ChangeWorkItemResponsible(
        r.item_id, r.responsible, clock.today(), r.author
    ),
    c.RESCHEDULE_WORK_ITEM: lambda r, clock: commands.RescheduleWorkItem(
        r.item_id, r.timing, clock.today(), r.year, r.author
    ),
    **TRAINING_TRANSLATIONS,  # issue 17: training dates (entrypoints/training_translate.py)
}


# How the request handlers (entrypoints/nats.py) answer each translated subject besides planning: with the action
# or with the work item. Pure data here, so that a test of the translation imports no messaging.
ACTION_COMMANDS = (
    c.INVITE_GROUPS,
    c.RESPOND_TO_INVITATION,
    c.CONFIRM_ACTION,
    c.COMPLETE_ACTION,
    c.EVALUATE_ACTION,
    c.CANCEL_ACTION,
)
ITEM_COMMANDS = (
    c.ADD_WORK_ITEM,
    c.SET_WORK_ITEM_STATUS,
    c.NOTE_WORK_ITEM,
    c.COMPLETE_WORK_ITEM,
    c.CHANGE_WORK_ITEM_RESPONSIBLE,
    c.RESCHEDULE_WORK_ITEM,
)

# The registry's group events this service follows (entrypoints/subscribers.py); each becomes `follow_group`.
GROUP_EVENTS = (
    registry.GroupFormedV1,
    registry.GroupRenamedV1,
    registry.CoordinatorChangedV1,
    registry.GroupsMergedV1,
    registry.GroupDissolvedV1,
)


def command(spec: RequestSpec, request: object, clock: Clock) -> object:
    """The domain command for `request`, received on `spec`'s subject."""
    translate = TRANSLATIONS.get(spec)
    if translate is None:
        raise TypeError(f"Keine Übersetzung für {spec.subject}")
    return translate(request, clock)


def received(envelope: Envelope[Any]) -> commands.Received:
    return commands.Received(str(envelope.event_id), envelope.subject)


def follow_group(envelope: Envelope[registry.GroupSnapshot], sequence: int) -> commands.FollowGroup:
    """A registry group event, found at `sequence` in the registry's stream."""
    p, coordinator = envelope.payload, envelope.payload.coordinator
    return commands.FollowGroup(
        received(envelope),
        sequence,
        p.group_id,
        p.name,
        p.state,
        GroupStatus(p.status),
        coordinator.name if coordinator else "",
        (coordinator.email or "") if coordinator else "",
        p.merged_into,
        tuple(p.merged_group_ids) if isinstance(p, registry.GroupsMergedV1) else (),
    )


def forget_person(envelope: Envelope[notifications.PersonErasedV1]) -> commands.ForgetPerson:
    p = envelope.payload
    return commands.ForgetPerson(received(envelope), p.address, p.fingerprint, p.blocked)


def follow_campaign(envelope: Envelope[registry.CampaignProgressedV1]) -> commands.FollowCampaign:
    """A registry campaign's counts, as they were at the event's `occurred_at` (the later counts win)."""
    p = envelope.payload
    return commands.FollowCampaign(
        received(envelope),
        envelope.occurred_at,
        p.campaign_id,
        p.title,
        p.kind,
        p.starts_on,
        p.ends_on,
        p.recipients,
        p.answered,
    )


def remind_refresher(envelope: Envelope[registry.QualificationExpiringV1]) -> commands.RemindRefresher:
    p = envelope.payload
    return commands.RemindRefresher(
        received(envelope), p.name, p.email, p.qualifies_for, p.until, p.counsellor_id, p.office_id, p.office_name
    )
