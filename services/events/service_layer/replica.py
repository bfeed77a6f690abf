"""Keep the replica of regional groups up to date from registry events (event-carried state transfer)."""

from __future__ import annotations

from dataclasses import replace

from services.events.domain.commands import FollowGroup, ForgetPerson
from services.events.domain.groups import GroupReplica
from services.events.service_layer.trainings import forget_participants
from services.events.service_layer.unit_of_work import UnitOfWork
from shared import privacy


def replica_of(follow: FollowGroup) -> GroupReplica:
    return GroupReplica(
        follow.group_id,
        follow.name,
        follow.state,
        follow.status,
        follow.coordinator_name,
        follow.coordinator_email,
        follow.merged_into,
        follow.sequence,
    )


async def apply_group_event(follow: FollowGroup, uow: UnitOfWork) -> bool:
    """Apply one registry group event exactly once; False if it was already processed."""
    return await apply_group_events([follow], uow) == 1


async def apply_group_events(batch: list[FollowGroup], uow: UnitOfWork) -> int:
    """Apply registry group events (each with its stream sequence) in one transaction; how many were new."""
    ordered = sorted(batch, key=lambda follow: follow.sequence)
    async with uow:
        latest = {follow.event.event_id: follow for follow in ordered}
        todo = [latest[event.event_id] for event in await uow.claim_many([follow.event for follow in ordered])]
        await uow.groups.preload({id_ for follow in todo for id_ in (follow.group_id, *follow.merged_group_ids)})
        for follow in todo:
            await _apply(follow, uow)
        await uow.commit()
    return len(todo)


async def _apply(follow: FollowGroup, uow: UnitOfWork) -> None:
    incoming = replica_of(follow)
    current = await uow.groups.get(follow.group_id)
    await uow.groups.put(replace(incoming, seen=1) if current is None else current.after(incoming))
    for merged_id in follow.merged_group_ids:
        if merged := await uow.groups.get(merged_id):
            await uow.groups.put(merged.merged_into_group(follow.group_id, follow.sequence))


async def erase_person(cmd: ForgetPerson, uow: UnitOfWork) -> privacy.Erased:
    """Another service announced an erasure: coordinators' contact data leave the replica, participants' and
    trainers' names and addresses the training dates. If the person objected, the fingerprint stays: the address is
    registered for no training again.

    The event carries the fingerprint of the address (an older one only the address): the records are found by
    computing it over the addresses held here. The answer: how many entries were blanked, the address as held here
    and the names that belonged to them (what the streams must lose)."""
    async with uow:
        if not await uow.claim(cmd.event):
            return privacy.Erased()
        erasure = privacy.Erasure.of(cmd.address, cmd.fingerprint, uow.blocked.key)
        if cmd.blocked and erasure.fingerprint:
            await uow.blocked.block(erasure.fingerprint, uow.clock.now())
        blanked = 0
        if erasure.fingerprint:
            for group in await uow.groups.list():
                if erasure.matches(group.coordinator_email):
                    erasure.named(group.coordinator_name)
                    await uow.groups.put(replace(group, coordinator_name="", coordinator_email=""))
                    blanked += 1
            blanked += await forget_participants(uow, erasure)
        erased = erasure.result(blanked)
        if erased.address:  # the outbox now, the own stream and dead letters once the relay is past them
            await uow.forget_person(privacy.naming_words(erased.address, erased.names), uow.clock.now())
        await uow.commit()
    return erased
