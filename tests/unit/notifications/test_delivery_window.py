"""The delivery loop's window on fakes: a worker sends its next mail only once the previous one is marked, so at any
moment at most one accepted mail per worker is not yet marked sent; and a large mailing is written in parts."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from services.notifications.domain import commands
from services.notifications.service_layer import delivery, outgoing
from tests.unit.notifications.fakes import FakeUnitOfWork
from tests.unit.notifications.world import OWNER, World, a_list


class SlowCommits(FakeUnitOfWork):
    """A commit takes a few turns of the event loop, as a database's does."""

    def __call__(self) -> SlowCommits:
        return SlowCommits(self.committed)

    async def commit(self) -> None:
        for _ in range(3):
            await asyncio.sleep(0)
        await super().commit()


async def test_no_worker_hands_over_a_message_before_its_previous_one_is_marked(world: World) -> None:
    list_id = await a_list(world, "offen")
    for n in range(12):
        await world(commands.AddMember(list_id, OWNER, f"m{n:02d}@example.org", f"M{n}", "mitglied", "jede"))
    await world(commands.Post(list_id, OWNER, "Aufruf", "Kommt alle."))
    deps = replace(world.deps, uow=SlowCommits(world.uow.committed))
    accepted: list[str] = []
    unmarked_at_acceptance: list[int] = []

    def marked() -> set[str]:
        return {r["recipient"] for r in world.uow.committed.deliveries if r["status"] == "sent"}

    async def send(recipient: str, message: bytes, return_path: str | None = None) -> None:
        await asyncio.sleep(0)  # the envelope's round trips
        unmarked_at_acceptance.append(len(set(accepted) - marked()))
        await asyncio.sleep(0)  # the message's round trips
        accepted.append(recipient)

    pending = len([r for r in world.uow.committed.deliveries if r["status"] == "pending"])
    assert await delivery.deliver_due(deps, send, parallel=3) == pending > 12
    assert marked() == set(accepted) and len(accepted) == pending  # every mail sent once, and marked
    assert 0 < max(unmarked_at_acceptance) <= 3  # one per worker, however many rows


async def test_a_mailing_larger_than_one_write_queues_every_copy_once(world: World, monkeypatch) -> None:
    monkeypatch.setattr(outgoing, "WRITE_EVERY", 3)
    list_id = await a_list(world, "offen")
    for n in range(8):
        await world(commands.AddMember(list_id, OWNER, f"m{n}@example.org", f"M{n}", "mitglied", "jede"))
    await world(commands.AddMember(list_id, OWNER, "sammel@example.org", "Sammel", "mitglied", "taeglich"))
    before = len(world.uow.committed.deliveries)
    await world(commands.Post(list_id, OWNER, "Aufruf", "Kommt alle."))
    rows = world.uow.committed.deliveries[before:]
    by_recipient = {r["recipient"]: r["status"] for r in rows}
    assert len(rows) == len(by_recipient) == 10  # 8 members, the owner, the digest reader: each once
    assert by_recipient.pop("sammel@example.org") == "digest" and set(by_recipient.values()) == {"pending"}
