"""Wire requests → domain commands. Field checks happen in the domain; this only reshapes."""

from __future__ import annotations

from services.registry.domain import commands
from services.registry.domain.input import office_details
from services.registry.domain.offices import Counsellor, Supervision, Training
from services.registry.domain.regions import Coordinator
from services.registry.domain.validation import email, required
from services.registry.service_layer.handlers import new_id
from shared.contracts import registry as c


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


def command(request: object) -> object:
    match request:
        case c.AddDistrict():
            return commands.AddDistrict(request.name, request.state, request.kind, request.district_id)
        case c.FormGroup():
            return commands.FormGroup(
                request.name,
                request.state,
                tuple(request.district_ids),
                coordinator(request.coordinator),
                request.group_id,
            )
        case c.RenameGroup():
            return commands.RenameGroup(request.group_id, request.name)
        case c.ChangeCoordinator():
            return commands.ChangeCoordinator(request.group_id, coordinator(request.coordinator))
        case c.MergeGroups():
            return commands.MergeGroups(request.into_group_id, tuple(request.group_ids))
        case c.DissolveGroup():
            return commands.DissolveGroup(request.group_id)
        case c.RegisterOffice():
            counsellors = tuple(counsellor(x) for x in request.counsellors)
            return commands.RegisterOffice(
                details(request), request.status, counsellors, supervision(request.supervision), request.office_id
            )
        case c.UpdateOffice():
            return commands.UpdateOffice(request.office_id, details(request))
        case c.AddCounsellor():
            return commands.AddCounsellor(request.office_id, counsellor(request))
        case c.RemoveCounsellor():
            return commands.RemoveCounsellor(request.office_id, request.counsellor_id)
        case c.RecordTraining():
            return commands.RecordTraining(request.office_id, request.counsellor_id, training(request.training))
        case c.ChangeSupervision():
            return commands.ChangeSupervision(request.office_id, supervision(request.supervision))
    raise TypeError(f"Keine Übersetzung für {type(request).__name__}")
