"""Wire contracts produced by the registry service."""

from __future__ import annotations

from shared.contracts.catalogue import dead_letters, event, query
from shared.contracts.envelope import Contract, EventPayload
from shared.contracts.system import HealthReply, HealthRequest

HEALTH = query("registry", "health", HealthRequest, HealthReply)
DEAD_LETTERS = dead_letters("registry")


class Coordinator(Contract):
    name: str
    email: str | None = None


@event("registry", "group", "formed", 1)
class GroupFormedV1(EventPayload):
    """A regional group was formed; carries what other services replicate."""

    group_id: str
    name: str
    state: str
    coordinator: Coordinator | None = None
    districts: list[str] = []
