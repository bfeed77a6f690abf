"""What happened in the register. Each carries the aggregate as it was right after the change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.registry.domain.offices import Office, Training
    from services.registry.domain.regions import District, RegionalGroup


@dataclass(frozen=True)
class DistrictAdded:
    district: District


@dataclass(frozen=True)
class GroupFormed:
    group: RegionalGroup


@dataclass(frozen=True)
class GroupRenamed:
    group: RegionalGroup
    old_name: str


@dataclass(frozen=True)
class CoordinatorChanged:
    group: RegionalGroup


@dataclass(frozen=True)
class GroupsMerged:
    group: RegionalGroup
    merged_group_ids: tuple[str, ...]


@dataclass(frozen=True)
class GroupDissolved:
    group: RegionalGroup


@dataclass(frozen=True)
class OfficeRegistered:
    office: Office


@dataclass(frozen=True)
class OfficeUpdated:
    office: Office
    changed: tuple[str, ...]


@dataclass(frozen=True)
class OfficePaused:
    office: Office


@dataclass(frozen=True)
class OfficeReactivated:
    office: Office


@dataclass(frozen=True)
class OfficeClosed:
    office: Office


@dataclass(frozen=True)
class SupervisionChanged:
    office: Office


@dataclass(frozen=True)
class CounsellorAdded:
    office: Office
    counsellor_id: str


@dataclass(frozen=True)
class CounsellorRemoved:
    office: Office
    counsellor_id: str


@dataclass(frozen=True)
class CounsellorTrained:
    office: Office
    counsellor_id: str
    training: Training
