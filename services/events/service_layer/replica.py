"""Keep the replica of regional groups up to date from registry events (event-carried state transfer)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from services.events.domain.groups import GroupReplica
from services.events.service_layer.unit_of_work import UnitOfWork


def replica_of(snapshot: Any, sequence: int) -> GroupReplica:
    coordinator = snapshot.coordinator
    return GroupReplica(
        snapshot.group_id, snapshot.name, snapshot.state, snapshot.status,
        coordinator.name if coordinator else "", (coordinator.email or "") if coordinator else "",
        snapshot.merged_into, sequence,
    )  # fmt: skip


async def apply_group_event(envelope: Any, sequence: int, uow: UnitOfWork) -> bool:
    """Apply one registry group event exactly once; False if it was already processed."""
    payload = envelope.payload
    async with uow:
        if not await uow.claim(envelope):
            return False
        incoming = replica_of(payload, sequence)
        current = await uow.groups.get(payload.group_id)
        await uow.groups.put(replace(incoming, seen=1) if current is None else current.after(incoming))
        for merged_id in getattr(payload, "merged_group_ids", []):
            if merged := await uow.groups.get(merged_id):
                await uow.groups.put(merged.merged_into_group(payload.group_id, sequence))
        await uow.commit()
    return True


async def erase_person(envelope: Any, uow: UnitOfWork) -> int:
    """Another service announced an erasure: coordinators' contact data leave the replica."""
    address = envelope.payload.address.casefold()
    async with uow:
        if not await uow.claim(envelope):
            return 0
        found = [g for g in await uow.groups.list() if g.coordinator_email.casefold() == address]
        for group in found:
            await uow.groups.put(replace(group, coordinator_name="", coordinator_email=""))
        await uow.commit()
    return len(found)
