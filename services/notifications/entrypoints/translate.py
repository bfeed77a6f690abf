"""Other services' events as the typed commands of `domain/news.py`, keyed by the event's payload type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.notifications.domain import news
from shared import context
from shared.contracts import Envelope, events, registry
from shared.contracts.mail import MailRequested


def received(envelope: Envelope[Any]) -> news.Received:
    return news.Received(str(envelope.event_id), envelope.subject)


def follow_group(envelope: Envelope[registry.GroupSnapshot]) -> news.FollowGroup:
    p, coordinator = envelope.payload, envelope.payload.coordinator
    return news.FollowGroup(
        received(envelope),
        context.current().stream_sequence or 0,
        p.group_id,
        p.name,
        p.slug,
        news.Person(coordinator.name, coordinator.email or "") if coordinator else None,
        formed=isinstance(p, registry.GroupFormedV1),
        dissolved=isinstance(p, registry.GroupDissolvedV1),
        merged_group_ids=tuple(p.merged_group_ids) if isinstance(p, registry.GroupsMergedV1) else (),
    )


def announce_office(envelope: Envelope[registry.OfficeRegisteredV1]) -> news.AnnounceOffice:
    o = envelope.payload.office
    return news.AnnounceOffice(received(envelope), o.name, o.street, o.postcode, o.city, o.operator_name)


def action_news(a: events.ActionSnapshot) -> news.ActionNews:
    invitations = tuple(
        news.Invitation(i.group_id, i.group_name, i.status == "zugesagt", "keine_antwort" if i.no_answer else i.status)
        for i in a.invitations
    )
    return news.ActionNews(
        a.action_id,
        a.kind_label,
        a.title,
        a.organiser_group_id,
        a.organiser_group_name,
        a.start,
        a.end,
        a.job_centre,
        a.place,
        tuple(a.responsible),
        invitations,
        a.cancel_reason,
        a.report.participants if a.report else None,
        a.report.notes if a.report else "",
        a.report.press if a.report else "",
    )


_WHAT = {
    events.GroupsInvitedV1: "eingeladen",
    events.InvitationAcceptedV1: "geantwortet",
    events.InvitationDeclinedV1: "geantwortet",
    events.ActionUpdatedV1: "geaendert",
    events.ActionConfirmedV1: "bestaetigt",
    events.ActionCancelledV1: "abgesagt",
    events.ActionCompletedV1: "durchgefuehrt",
}


def announce_action(envelope: Envelope[events.ActionEvent]) -> news.AnnounceAction:
    p = envelope.payload
    group_ids: tuple[str, ...] = ()
    if isinstance(p, events.GroupsInvitedV1):
        group_ids = tuple(p.group_ids)
    elif isinstance(p, events.InvitationAcceptedV1 | events.InvitationDeclinedV1):
        group_ids = (p.group_id,)
    return news.AnnounceAction(
        received(envelope),
        _WHAT[type(p)],
        action_news(p.action),
        group_ids,
        accepted=isinstance(p, events.InvitationAcceptedV1),
        changed=tuple(p.changed) if isinstance(p, events.ActionUpdatedV1) else (),
    )


def remind_of_work_item(envelope: Envelope[events.WorkItemEvent]) -> news.RemindOfWorkItem:
    p, item = envelope.payload, envelope.payload.item
    overdue = isinstance(p, events.WorkItemOverdueV1)
    return news.RemindOfWorkItem(
        received(envelope),
        item.text,
        item.timing.text,
        tuple(r.name for r in item.responsible),
        p.due,
        0 if overdue else p.days_left,
        overdue,
        item.item_id,
    )


def report_progress(envelope: Envelope[events.ProgressCompiledV1]) -> news.ReportProgress:
    p = envelope.payload
    return news.ReportProgress(
        received(envelope),
        p.since,
        p.until,
        p.overall.model_dump(),
        tuple(g.model_dump() for g in p.groups),
        tuple(line.model_dump() for line in p.overdue),
        tuple(line.model_dump() for line in p.due),
        tuple(line.model_dump() for line in p.held),
        tuple(line.model_dump() for line in p.upcoming),
        p.period_key,
        tuple(line.model_dump() for line in p.campaigns),
        tuple(line.model_dump() for line in p.trainings),
    )


def send_personal_mail(envelope: Envelope[MailRequested]) -> news.SendPersonalMail:
    p = envelope.payload
    return news.SendPersonalMail(
        received(envelope),
        envelope.producer,
        p.to,
        p.to_name,
        p.kind,
        p.subject,
        p.text,
        p.link_path,
        p.link_label,
        p.ics,
        p.reference,
    )


TRANSLATIONS: dict[type, Callable[[Any], object]] = {
    **dict.fromkeys(
        (
            registry.GroupFormedV1,
            registry.GroupRenamedV1,
            registry.CoordinatorChangedV1,
            registry.GroupsMergedV1,
            registry.GroupDissolvedV1,
        ),
        follow_group,
    ),
    registry.OfficeRegisteredV1: announce_office,
    **dict.fromkeys(_WHAT, announce_action),
    **dict.fromkeys((events.ReminderDueV1, events.WorkItemOverdueV1), remind_of_work_item),
    events.ProgressCompiledV1: report_progress,
    **dict.fromkeys((registry.RegistryMailRequestedV1, events.EventsMailRequestedV1), send_personal_mail),
}
