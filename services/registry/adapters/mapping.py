"""Domain objects ↔ wire snapshots. The same snapshot is stored as the row and sent in the event."""

from __future__ import annotations

from datetime import time

from services.registry.adapters.qualifications import qualification_event
from services.registry.domain import events as ev
from services.registry.domain.hours import ByAppointment, Hours, MonthlyNth, Weekly
from services.registry.domain.offices import (
    Counsellor,
    Office,
    OfficeDetails,
    OfficeStatus,
    OperatorKind,
    Supervision,
    Training,
)
from services.registry.domain.regions import Coordinator, District, DistrictKind, GroupStatus, RegionalGroup
from shared.contracts import registry as c
from shared.contracts.envelope import EventPayload


def hours_contract(h: Hours) -> c.HoursV1:
    if isinstance(h, Weekly):
        return c.HoursV1(
            kind="woechentlich", weekday=h.weekday, start=f"{h.start:%H:%M}", end=f"{h.end:%H:%M}", text=h.describe()
        )
    if isinstance(h, MonthlyNth):
        return c.HoursV1(
            kind="monatlich",
            nth=h.nth,
            weekday=h.weekday,
            start=f"{h.start:%H:%M}",
            end=f"{h.end:%H:%M}",
            text=h.describe(),
        )
    return c.HoursV1(kind="nach_vereinbarung", text=h.describe())


def hours_domain(h: c.HoursV1) -> Hours:
    if h.kind == "nach_vereinbarung":
        return ByAppointment()
    start, end = time.fromisoformat(h.start), time.fromisoformat(h.end)
    return Weekly(h.weekday, start, end) if h.kind == "woechentlich" else MonthlyNth(h.nth, h.weekday, start, end)


def training_contract(t: Training) -> c.TrainingV1:
    return c.TrainingV1(on=t.on, title=t.title)


def counsellor_contract(x: Counsellor) -> c.CounsellorV1:
    return c.CounsellorV1(
        counsellor_id=x.id,
        name=x.name,
        email=x.email or None,
        publish_name=x.publish_name,
        trainings=[training_contract(t) for t in x.trainings],
        qualifies_for=x.qualifies_for,
        qualified_until=x.qualified_until,
    )


def counsellor_domain(x: c.CounsellorV1) -> Counsellor:
    trainings = tuple(Training(t.on, t.title) for t in x.trainings)
    return Counsellor(
        x.counsellor_id, x.name, x.email or "", x.publish_name, trainings, x.qualifies_for, x.qualified_until
    )


def supervision_contract(s: Supervision | None) -> c.SupervisionV1 | None:
    return s and c.SupervisionV1(
        lawyer_name=s.lawyer_name, qualification_confirmed=s.qualification_confirmed, since=s.since
    )


def supervision_domain(s: c.SupervisionV1 | None) -> Supervision | None:
    return s and Supervision(s.lawyer_name, s.qualification_confirmed, s.since)


def office_snapshot(o: Office) -> c.OfficeSnapshot:
    d = o.details
    return c.OfficeSnapshot(
        office_id=o.id,
        name=d.name,
        operator_kind=d.operator_kind,
        operator_name=d.operator_name,
        street=d.street,
        postcode=d.postcode,
        city=d.city,
        access_notes=d.access_notes,
        phone=d.phone,
        email=d.email,
        web=d.web,
        hours=[hours_contract(h) for h in d.hours],
        areas=list(d.areas),
        languages=list(d.languages),
        district_id=d.district_id,
        status=o.status,
        counsellors=[counsellor_contract(x) for x in o.counsellors],
        supervision=supervision_contract(o.supervision),
        opened_on=o.opened_on,
        closed_on=o.closed_on,
        qualified_until=o.qualified_until,
    )


def office_domain(s: c.OfficeSnapshot) -> Office:
    details = OfficeDetails(
        name=s.name,
        operator_kind=OperatorKind(s.operator_kind),
        operator_name=s.operator_name,
        street=s.street,
        postcode=s.postcode,
        city=s.city,
        access_notes=s.access_notes,
        phone=s.phone,
        email=s.email,
        web=s.web,
        hours=tuple(hours_domain(h) for h in s.hours),
        areas=tuple(s.areas),
        languages=tuple(s.languages),
        district_id=s.district_id,
    )
    counsellors = tuple(counsellor_domain(x) for x in s.counsellors)
    return Office(
        s.office_id,
        details,
        OfficeStatus(s.status),
        counsellors,
        supervision_domain(s.supervision),
        opened_on=s.opened_on,
        closed_on=s.closed_on,
    )


def group_snapshot(g: RegionalGroup) -> c.GroupSnapshot:
    coordinator = g.coordinator and c.Coordinator(name=g.coordinator.name, email=g.coordinator.email or None)
    return c.GroupSnapshot(
        group_id=g.id,
        name=g.name,
        state=g.state,
        status=g.status,
        coordinator=coordinator,
        district_ids=list(g.district_ids),
        merged_into=g.merged_into,
        slug=g.slug,
        aliases=list(g.aliases),
    )


def group_domain(s: c.GroupSnapshot) -> RegionalGroup:
    coordinator = s.coordinator and Coordinator(s.coordinator.name, s.coordinator.email or "")
    return RegionalGroup(
        s.group_id,
        s.name,
        s.state,
        coordinator,
        tuple(s.district_ids),
        GroupStatus(s.status),
        s.merged_into,
        s.slug,
        tuple(s.aliases),
    )


def district_snapshot(d: District) -> c.DistrictSnapshot:
    return c.DistrictSnapshot(district_id=d.id, name=d.name, state=d.state, kind=d.kind)


def district_domain(s: c.DistrictSnapshot) -> District:
    return District(s.district_id, s.name, s.state, DistrictKind(s.kind))


_GROUP_EVENTS = {
    ev.GroupFormed: c.GroupFormedV1,
    ev.GroupRenamed: c.GroupRenamedV1,
    ev.CoordinatorChanged: c.CoordinatorChangedV1,
    ev.GroupsMerged: c.GroupsMergedV1,
    ev.GroupDissolved: c.GroupDissolvedV1,
}
_OFFICE_EVENTS = {
    ev.OfficeRegistered: c.OfficeRegisteredV1,
    ev.OfficeUpdated: c.OfficeUpdatedV1,
    ev.OfficePaused: c.OfficePausedV1,
    ev.OfficeReactivated: c.OfficeReactivatedV1,
    ev.OfficeClosed: c.OfficeClosedV1,
    ev.SupervisionChanged: c.SupervisionChangedV1,
    ev.CounsellorAdded: c.CounsellorAddedV1,
    ev.CounsellorRemoved: c.CounsellorRemovedV1,
    ev.CounsellorTrained: c.CounsellorTrainedV1,
}


def event_contract(event: object) -> EventPayload:
    """Translate a domain event to its wire contract, at the edge."""
    if (qualification := qualification_event(event)) is not None:
        return qualification
    if isinstance(event, ev.DistrictAdded):
        return c.DistrictAddedV1(**district_snapshot(event.district).model_dump())
    if type(event) in _GROUP_EVENTS:
        extra = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(event).items() if k != "group"}
        return _GROUP_EVENTS[type(event)](**group_snapshot(event.group).model_dump(), **extra)
    extra = {k: v for k, v in vars(event).items() if k != "office"}
    if isinstance(extra.get("training"), Training):
        extra["training"] = training_contract(extra["training"])
    if "changed" in extra:
        extra["changed"] = list(extra["changed"])
    return _OFFICE_EVENTS[type(event)](office=office_snapshot(event.office), **extra)
