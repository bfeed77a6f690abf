"""Wire requests → domain commands, chosen by the subject a request came on. Field checks happen in the domain;
this only reshapes.

Keyed by spec, not by the request's type: several subjects share a request type (`OfficeRef` pauses, reactivates
or closes an office, and only names one on `registry.query.office`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.registry.adapters.campaign_mapping import answer_domain
from services.registry.domain import commands
from services.registry.domain.campaigns import CampaignKind, NewRecipient
from services.registry.domain.input import office_details
from services.registry.domain.offices import Counsellor, OfficeStatus, Supervision, Training
from services.registry.domain.regions import Coordinator, DistrictKind
from services.registry.domain.validation import email, required
from services.registry.service_layer.handlers import new_id
from shared.contracts import RequestSpec
from shared.contracts import registry as c

Translation = Callable[[Any], object]


def coordinator(x: c.Coordinator | None) -> Coordinator | None:
    return x and Coordinator(required(x.name, "Name der Koordination"), email(x.email or "", "E-Mail der Koordination"))


def training(t: c.TrainingV1) -> Training:
    return Training(t.on, required(t.title, "Titel der Schulung"))


def supervision(s: c.SupervisionV1 | None) -> Supervision | None:
    return s and Supervision(required(s.lawyer_name, "Name der Anleitung"), s.qualification_confirmed, s.since)


def counsellor(x: c.CounsellorInput) -> Counsellor:
    trainings = tuple(training(t) for t in x.trainings)
    return Counsellor(
        x.counsellor_id or new_id(), required(x.name, "Name"), email(x.email or ""), x.publish_name, trainings
    )


def details(x: c.OfficeDetails):  # noqa: ANN201
    fields = x.model_dump(include=set(c.OfficeDetails.model_fields))
    return office_details(**fields)


def district(r: c.AddDistrict) -> commands.AddDistrict:
    return commands.AddDistrict(r.name, r.state, DistrictKind(r.kind), r.district_id)


def form_group(r: c.FormGroup) -> commands.FormGroup:
    return commands.FormGroup(r.name, r.state, tuple(r.district_ids), coordinator(r.coordinator), r.group_id)


def register_office(r: c.RegisterOffice) -> commands.RegisterOffice:
    counsellors = tuple(counsellor(x) for x in r.counsellors)
    return commands.RegisterOffice(
        details(r), OfficeStatus(r.status), counsellors, supervision(r.supervision), r.office_id
    )


def recipient(x: c.RecipientInput) -> NewRecipient:
    return NewRecipient(x.name, x.email, x.office_id, x.office_name, x.place, x.district_id)


def create_campaign(r: c.CreateCampaign) -> commands.CreateCampaign:
    return commands.CreateCampaign(
        r.title,
        CampaignKind(r.kind),
        r.starts_on,
        r.ends_on,
        r.intro,
        r.include_register,
        tuple(recipient(x) for x in r.recipients),
        r.state,
    )


def decide_answer(r: c.DecideAnswer) -> commands.DecideAnswer:
    change_ids = None if r.change_ids is None else tuple(r.change_ids)
    return commands.DecideAnswer(r.campaign_id, r.recipient_id, r.accept, change_ids, r.reason)


# How the request handlers (entrypoints/nats.py) answer each translated subject besides ADD_DISTRICT: with the
# group or with the office. Pure data here, so that a test of the translation imports no messaging.
GROUP_COMMANDS = (c.FORM_GROUP, c.RENAME_GROUP, c.CHANGE_COORDINATOR, c.MERGE_GROUPS, c.DISSOLVE_GROUP)
OFFICE_COMMANDS = (
    c.REGISTER_OFFICE,
    c.UPDATE_OFFICE,
    c.PAUSE_OFFICE,
    c.REACTIVATE_OFFICE,
    c.CLOSE_OFFICE,
    c.ADD_COUNSELLOR,
    c.REMOVE_COUNSELLOR,
    c.RECORD_TRAINING,
    c.CHANGE_SUPERVISION,
)

# Survey campaigns (issue 17): answered by their own handlers in entrypoints/nats.py.
CAMPAIGN_COMMANDS = (c.CREATE_CAMPAIGN, c.SAVE_ANSWER, c.DECIDE_ANSWER)

TRANSLATIONS: dict[RequestSpec, Translation] = {
    c.ADD_DISTRICT: district,
    c.FORM_GROUP: form_group,
    c.RENAME_GROUP: lambda r: commands.RenameGroup(r.group_id, r.name),
    c.CHANGE_COORDINATOR: lambda r: commands.ChangeCoordinator(r.group_id, coordinator(r.coordinator)),
    c.MERGE_GROUPS: lambda r: commands.MergeGroups(r.into_group_id, tuple(r.group_ids)),
    c.DISSOLVE_GROUP: lambda r: commands.DissolveGroup(r.group_id),
    c.REGISTER_OFFICE: register_office,
    c.UPDATE_OFFICE: lambda r: commands.UpdateOffice(r.office_id, details(r)),
    c.PAUSE_OFFICE: lambda r: commands.PauseOffice(r.office_id, r.reason),
    c.REACTIVATE_OFFICE: lambda r: commands.ReactivateOffice(r.office_id, r.reason),
    c.CLOSE_OFFICE: lambda r: commands.CloseOffice(r.office_id, r.reason),
    c.ADD_COUNSELLOR: lambda r: commands.AddCounsellor(r.office_id, counsellor(r)),
    c.REMOVE_COUNSELLOR: lambda r: commands.RemoveCounsellor(r.office_id, r.counsellor_id),
    c.RECORD_TRAINING: lambda r: commands.RecordTraining(r.office_id, r.counsellor_id, training(r.training)),
    c.CHANGE_SUPERVISION: lambda r: commands.ChangeSupervision(r.office_id, supervision(r.supervision)),
    c.CREATE_CAMPAIGN: create_campaign,
    c.SAVE_ANSWER: lambda r: commands.SaveAnswer(r.token, answer_domain(r.answer), r.submit),
    c.DECIDE_ANSWER: decide_answer,
}


def command(spec: RequestSpec, request: object) -> object:
    """The domain command for `request`, received on `spec`'s subject."""
    translate = TRANSLATIONS.get(spec)
    if translate is None:
        raise TypeError(f"Keine Übersetzung für {spec.subject}")
    return translate(request)
