"""The inbox under a race: two deliveries of one event in two open transactions."""

from __future__ import annotations

import asyncio

from shared.contracts import Envelope
from shared.contracts.registry import GroupFormedV1
from shared.db.unit_of_work import SqlAlchemyUnitOfWork
from tests.integration.messaging_app import create_schema, tables


async def test_racing_claims_let_exactly_one_through_without_an_error(database) -> None:
    await create_schema(database)
    envelope = Envelope.wrap(GroupFormedV1(group_id="g", name="G", state="SN"))

    async with SqlAlchemyUnitOfWork(database, tables) as first, SqlAlchemyUnitOfWork(database, tables) as second:
        assert await first.claim(envelope)
        racing = asyncio.create_task(second.claim(envelope))  # waits for the first transaction's lock
        await asyncio.sleep(0.2)
        await first.commit()
        assert await asyncio.wait_for(racing, 15) is False
        await second.commit()

    async with SqlAlchemyUnitOfWork(database, tables) as again:
        assert await again.claim(envelope) is False


async def test_a_rolled_back_claim_leaves_the_event_unprocessed(database) -> None:
    await create_schema(database)
    envelope = Envelope.wrap(GroupFormedV1(group_id="g", name="G", state="SN"))
    async with SqlAlchemyUnitOfWork(database, tables) as uow:
        assert await uow.claim(envelope)  # effect failed: no commit
    async with SqlAlchemyUnitOfWork(database, tables) as uow:
        assert await uow.claim(envelope)
