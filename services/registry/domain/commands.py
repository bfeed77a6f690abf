"""What people ask the register to do (imperative), in domain terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.registry.domain.campaigns import Answer, CampaignKind, NewRecipient
from services.registry.domain.offices import Counsellor, OfficeDetails, OfficeStatus, Supervision, Training
from services.registry.domain.regions import Coordinator, DistrictKind


@dataclass(frozen=True)
class AddDistrict:
    name: str
    state: str
    kind: DistrictKind = DistrictKind.DISTRICT_ASSOCIATION
    district_id: str | None = None


@dataclass(frozen=True)
class FormGroup:
    name: str
    state: str
    district_ids: tuple[str, ...] = ()
    coordinator: Coordinator | None = None
    group_id: str | None = None


@dataclass(frozen=True)
class RenameGroup:
    group_id: str
    name: str


@dataclass(frozen=True)
class ChangeCoordinator:
    group_id: str
    coordinator: Coordinator


@dataclass(frozen=True)
class MergeGroups:
    into_group_id: str
    group_ids: tuple[str, ...]


@dataclass(frozen=True)
class DissolveGroup:
    group_id: str


@dataclass(frozen=True)
class RegisterOffice:
    details: OfficeDetails
    status: OfficeStatus = OfficeStatus.ACTIVE
    counsellors: tuple[Counsellor, ...] = ()
    supervision: Supervision | None = None
    office_id: str | None = None


@dataclass(frozen=True)
class UpdateOffice:
    office_id: str
    details: OfficeDetails


@dataclass(frozen=True)
class PauseOffice:
    office_id: str
    reason: str = ""


@dataclass(frozen=True)
class ReactivateOffice:
    office_id: str
    reason: str = ""


@dataclass(frozen=True)
class CloseOffice:
    office_id: str
    reason: str = ""


@dataclass(frozen=True)
class AddCounsellor:
    office_id: str
    counsellor: Counsellor


@dataclass(frozen=True)
class RemoveCounsellor:
    office_id: str
    counsellor_id: str


@dataclass(frozen=True)
class RecordTraining:
    office_id: str
    counsellor_id: str
    training: Training


@dataclass(frozen=True)
class ChangeSupervision:
    office_id: str
    supervision: Supervision | None


# --- surveys (issue 17) ---


@dataclass(frozen=True)
class CreateCampaign:
    title: str
    kind: CampaignKind
    starts_on: date
    ends_on: date
    intro: str = ""
    include_register: bool = True
    recipients: tuple[NewRecipient, ...] = ()
    state: str | None = None


@dataclass(frozen=True)
class SaveAnswer:
    token: str
    answer: Answer
    submit: bool = False


@dataclass(frozen=True)
class DecideAnswer:
    campaign_id: str
    recipient_id: str
    accept: bool
    change_ids: tuple[str, ...] | None = None
    reason: str = ""
