"""District associations (Kreisverbände, Hamburg's Bezirke) and regional groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from services.registry.domain.errors import Conflict
from shared.aggregate import Recording


class DistrictKind(StrEnum):
    """A Kreisverband, or one of Hamburg's Bezirke; the values are the words on the wire and in the database."""

    DISTRICT_ASSOCIATION = "kreisverband"
    BOROUGH = "bezirk"


class GroupStatus(StrEnum):
    """A regional group's state; the values are the words on the wire and in the database."""

    ACTIVE = "aktiv"
    MERGED = "zusammengelegt"
    DISSOLVED = "aufgeloest"


@dataclass(frozen=True)
class District:
    id: str
    name: str
    state: str
    kind: DistrictKind = DistrictKind.DISTRICT_ASSOCIATION


@dataclass(frozen=True)
class Coordinator:
    name: str
    email: str = ""


BLOCKED_COORDINATOR = (
    "Diese Adresse ist gesperrt: Die Person hat der Verwendung ihrer Adresse widersprochen (Art. 21 DSGVO). "
    "Sie kann nicht Koordination einer Regionalgruppe werden; bitte eine andere Person oder keine Adresse eintragen."
)


def ensure_not_blocked(coordinator: Coordinator | None, blocked: bool) -> None:
    """A blocked address never becomes a group's coordinator (and so never its list's moderator): the change is
    refused as a whole, so the Landesbüro sees it at once and nothing half-done is stored."""
    if coordinator is not None and coordinator.email and blocked:
        raise Conflict(BLOCKED_COORDINATOR)


@dataclass(eq=False)
class RegionalGroup(Recording):
    id: str
    name: str
    state: str
    coordinator: Coordinator | None = None
    district_ids: tuple[str, ...] = ()
    status: GroupStatus = GroupStatus.ACTIVE
    merged_into: str | None = None
    slug: str = ""  # for URLs and command lines (domain/slugs.py)
    aliases: tuple[str, ...] = ()  # earlier slugs: they keep working after a rename
    events: list[object] = field(default_factory=list, repr=False)

    @classmethod
    def form(
        cls,
        id: str,
        name: str,
        state: str,
        coordinator: Coordinator | None,
        district_ids: tuple[str, ...],
        slug: str = "",
    ) -> RegionalGroup:
        group = cls(id, name, state, coordinator, tuple(dict.fromkeys(district_ids)), slug=slug)
        group._record(GroupFormed)
        return group

    @property
    def slugs(self) -> tuple[str, ...]:
        """Every name this group answers to in a URL: the current slug first."""
        return tuple(s for s in (self.slug, *self.aliases) if s)

    def _ensure_active(self) -> None:
        if self.status != GroupStatus.ACTIVE:
            raise Conflict(f"Die Regionalgruppe „{self.name}“ ist nicht mehr aktiv ({self.status}).")

    def rename(self, name: str, slug: str | None = None) -> None:
        """A new name may bring a new slug; the old one stays an alias, so published links keep working."""
        self._ensure_active()
        if name == self.name:
            return
        old, self.name = self.name, name
        if slug and slug != self.slug:
            self.aliases = tuple(s for s in dict.fromkeys((*self.aliases, self.slug)) if s and s != slug)
            self.slug = slug
        self._record(GroupRenamed, old_name=old)

    def change_coordinator(self, coordinator: Coordinator) -> None:
        self._ensure_active()
        if coordinator == self.coordinator:
            return
        self.coordinator = coordinator
        self._record(CoordinatorChanged)

    def forget_coordinator(self) -> None:
        """Erasure (Art. 17 GDPR): the group keeps existing, its coordinator's data does not."""
        if self.coordinator is not None:
            self.coordinator = None
            self._record(CoordinatorChanged)

    def absorb(self, others: list[RegionalGroup]) -> None:
        """Merge `others` into this group: their districts move here, they stop existing on their own."""
        self._ensure_active()
        for other in others:
            if other.id == self.id:
                raise Conflict("Eine Regionalgruppe kann nicht mit sich selbst zusammengelegt werden.")
            other._ensure_active()
            if other.state != self.state:
                raise Conflict(f"„{other.name}“ gehört zu einem anderen Landesverband als „{self.name}“.")
        for other in others:
            self.district_ids = tuple(dict.fromkeys(self.district_ids + other.district_ids))
            other.status, other.merged_into = GroupStatus.MERGED, self.id
        self._record(GroupsMerged, merged_group_ids=tuple(o.id for o in others))

    def dissolve(self) -> None:
        self._ensure_active()
        self.status = GroupStatus.DISSOLVED
        self._record(GroupDissolved)


# --- what happened to it: each event carries a snapshot of the aggregate right after the change ---


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
