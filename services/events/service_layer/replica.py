"""Keep the replica of regional groups up to date from registry events (event-carried state transfer)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from services.events.domain.groups import GroupReplica
from services.events.service_layer.unit_of_work import UnitOfWork


def replica_of(snapshot: Any, sequence: int) -> GroupReplica:
    coordinator = snapshot.coordinator
    return GroupReplica(
        snapshot.group_id,
        snapshot.name,
        snapshot.state,
        snapshot.status,
        coordinator.name if coordinator else "",
        (coordinator.email or "") if coordinator else "",
        snapshot.merged_into,
        sequence,
    )


async def apply_group_event(envelope: Any, sequence: int, uow: UnitOfWork) -> bool:
    """Apply one registry group event exactly once; False if it was already processed."""
    return await apply_group_events([(envelope, sequence)], uow) == 1


async def apply_group_events(batch: list[tuple[Any, int]], uow: UnitOfWork) -> int:
    """Apply registry group events (with their stream sequences) in one transaction; how many were new."""
    ordered = sorted(batch, key=lambda pair: pair[1])
    async with uow:
        sequences = {str(envelope.event_id): sequence for envelope, sequence in ordered}
        todo = [(e, sequences[str(e.event_id)]) for e in await uow.claim_many([envelope for envelope, _ in ordered])]
        await uow.groups.preload(
            {id_ for e, _ in todo for id_ in (e.payload.group_id, *getattr(e.payload, "merged_group_ids", []))}
        )
        for envelope, sequence in todo:
            await _apply(envelope.payload, sequence, uow)
        await uow.commit()
    return len(todo)


async def _apply(payload: Any, sequence: int, uow: UnitOfWork) -> None:
    incoming = replica_of(payload, sequence)
    current = await uow.groups.get(payload.group_id)
    await uow.groups.put(replace(incoming, seen=1) if current is None else current.after(incoming))
    for merged_id in getattr(payload, "merged_group_ids", []):
        if merged := await uow.groups.get(merged_id):
            await uow.groups.put(merged.merged_into_group(payload.group_id, sequence))


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
