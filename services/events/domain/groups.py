"""What action planning knows of the registry's regional groups: a replica built only from events.

Each registry event carries the group's full snapshot; a snapshot is applied only if it is newer
(by stream sequence) than what the replica holds, so redelivery, replay and reordering are harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from services.events.domain.errors import Conflict, NotFound


class GroupStatus(StrEnum):
    """A regional group's state as the registry reports it; the values are the words on the wire."""

    ACTIVE = "aktiv"
    MERGED = "zusammengelegt"
    DISSOLVED = "aufgeloest"


@dataclass(frozen=True)
class GroupReplica:
    id: str
    name: str
    state: str
    status: GroupStatus = GroupStatus.ACTIVE
    coordinator_name: str = ""
    coordinator_email: str = ""
    merged_into: str | None = None
    sequence: int = 0  # stream sequence of the registry event this state came from
    seen: int = 0  # how many registry events about this group were processed (each exactly once)
    events: list[object] = field(default_factory=list, repr=False, compare=False)

    def after(self, snapshot: GroupReplica) -> GroupReplica:
        """The replica once `snapshot` is processed: taken if newer (by stream sequence), else old news."""
        if snapshot.sequence <= self.sequence:
            return replace(self, seen=self.seen + 1)
        return replace(snapshot, seen=self.seen + 1)

    def merged_into_group(self, target_id: str, sequence: int) -> GroupReplica:
        if sequence <= self.sequence:
            return self
        return replace(self, status=GroupStatus.MERGED, merged_into=target_id, sequence=sequence)

    def ensure_invitable(self) -> None:
        if self.status != GroupStatus.ACTIVE:
            where = f" (jetzt Teil von {self.merged_into})" if self.merged_into else ""
            raise Conflict(
                f"Die Regionalgruppe „{self.name}“ ist {self.status}{where} und kann nicht eingeladen werden."
            )


def require(group: GroupReplica | None, group_id: str) -> GroupReplica:
    if group is None:
        raise NotFound(f"Regionalgruppe {group_id} ist hier (noch) nicht bekannt.")
    return group
