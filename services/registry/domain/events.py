"""What happened in the register, by aggregate. Each event lives with its aggregate (so the domain has no
import cycles) and carries a snapshot of it as it was right after the change; this module names them all.
"""

from __future__ import annotations

from services.registry.domain.offices import (
    CounsellorAdded,
    CounsellorRemoved,
    CounsellorTrained,
    OfficeClosed,
    OfficePaused,
    OfficeReactivated,
    OfficeRegistered,
    OfficeUpdated,
    SupervisionChanged,
)
from services.registry.domain.regions import (
    CoordinatorChanged,
    DistrictAdded,
    GroupDissolved,
    GroupFormed,
    GroupRenamed,
    GroupsMerged,
)

REGION_EVENTS = (
    DistrictAdded,
    GroupFormed,
    GroupRenamed,
    CoordinatorChanged,
    GroupsMerged,
    GroupDissolved,
)
OFFICE_EVENTS = (
    OfficeRegistered,
    OfficeUpdated,
    OfficePaused,
    OfficeReactivated,
    OfficeClosed,
    SupervisionChanged,
    CounsellorAdded,
    CounsellorRemoved,
    CounsellorTrained,
)
ALL = REGION_EVENTS + OFFICE_EVENTS

__all__ = [
    "CoordinatorChanged",
    "DistrictAdded",
    "GroupDissolved",
    "GroupFormed",
    "GroupRenamed",
    "GroupsMerged",
    "CounsellorAdded",
    "CounsellorRemoved",
    "CounsellorTrained",
    "OfficeClosed",
    "OfficePaused",
    "OfficeReactivated",
    "OfficeRegistered",
    "OfficeUpdated",
    "SupervisionChanged",
    "ALL",
]
