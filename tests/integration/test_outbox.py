"""The transactional outbox against a real nats-server, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from shared.contracts import Envelope
from shared.contracts.registry import GroupFormedV1
from shared.db.unit_of_work import SqlAlchemyUnitOfWork
from shared.messaging.outbox import OutboxRelay, jetstream_publisher
from shared.messaging.streams import declare_owned_streams
from tests.integration.messaging_app import create_schema, tables
from tests.support import eventually, retry_policy


class RelayDied(Exception):
    pass


class DyingRelay(OutboxRelay):
    """Dies after the PubAck and before the row is marked sent — the worst moment."""

    async def mark_published(self, positions: list[int]) -> None:
        raise RelayDied


async def stage(database, *group_ids: str) -> list[Envelope]:
    envelopes = [Envelope.wrap(GroupFormedV1(group_id=g, name=f"Gruppe {g}", state="SN")) for g in group_ids]
    async with SqlAlchemyUnitOfWork(database, tables) as uow:
        for envelope in envelopes:
            await uow.publish(envelope)
        await uow.commit()
    return envelopes


async def stream_messages(broker) -> int:
    info = await broker.connection.jetstream().stream_info("REGISTRY")
    return info.state.messages


@pytest.fixture
async def ready(database, broker):
    await create_schema(database)
    await broker.connect()
    await declare_owned_streams(broker.connection.jetstream(), "registry", retry=retry_policy())
    return database, broker


async def test_rollback_stages_nothing(ready):
    database, broker = ready
    async with SqlAlchemyUnitOfWork(database, tables) as uow:
        await uow.publish(Envelope.wrap(GroupFormedV1(group_id="x", name="X", state="SN")))
        # no commit: leaving the block rolls back
    relay = OutboxRelay(database, tables.outbox, jetstream_publisher(broker), retry=retry_policy())
    assert await relay.pending_count() == 0
    assert await relay.publish_pending() == 0
    assert await stream_messages(broker) == 0


async def test_published_exactly_once_when_relay_dies_before_marking(ready):
    database, broker = ready
    (envelope,) = await stage(database, "vogtland")

    with pytest.raises(RelayDied):
        await DyingRelay(database, tables.outbox, jetstream_publisher(broker), retry=retry_policy()).publish_pending()
    assert await stream_messages(broker) == 1
    relay = OutboxRelay(database, tables.outbox, jetstream_publisher(broker), retry=retry_policy())
    assert await relay.pending_count() == 1  # still unsent as far as the database knows

    assert await relay.publish_pending() == 1  # published again after the "restart" ...
    assert await relay.pending_count() == 0
    assert await stream_messages(broker) == 1  # ... and the stream dropped the copy

    stored = await broker.connection.jetstream().get_msg("REGISTRY", 1)
    assert stored.headers["Nats-Msg-Id"] == str(envelope.event_id)
    assert Envelope[GroupFormedV1].model_validate_json(stored.data).payload.group_id == "vogtland"


async def test_event_committed_while_nats_is_down_arrives_after_it_returns(ready, nats_server):
    database, broker = ready
    nats_server.stop()
    await stage(database, "erzgebirge", "chemnitz")
    relay = OutboxRelay(
        database, tables.outbox, jetstream_publisher(broker, timeout=0.5), retry=retry_policy(max_wait=0.5)
    )
    task = asyncio.create_task(relay.run())
    try:

        async def tried_and_failed() -> bool:
            async with database.sessions() as session:
                errors = (await session.execute(select(tables.outbox.c.last_error))).scalars().all()
            return any(errors)

        await eventually(tried_and_failed, timeout=15)
        assert await relay.pending_count() == 2

        nats_server.start()  # same port, same store

        async def all_sent() -> bool:
            return await relay.pending_count() == 0

        await eventually(all_sent, timeout=20)
        assert await stream_messages(broker) == 2
        first = await broker.connection.jetstream().get_msg("REGISTRY", 1)
        assert Envelope[GroupFormedV1].model_validate_json(first.data).payload.group_id == "erzgebirge"
    finally:
        task.cancel()


async def stored_groups(broker) -> list[str]:
    js = broker.connection.jetstream()
    count = await stream_messages(broker)
    return [
        Envelope[GroupFormedV1].model_validate_json((await js.get_msg("REGISTRY", seq)).data).payload.group_id
        for seq in range(1, count + 1)
    ]


async def test_a_refused_row_mid_window_stores_nothing_behind_it_and_order_holds_on_the_next_round(ready) -> None:
    """The window's publishes are under way together; the stream refuses one (too large): none behind it lands."""
    database, broker = ready
    js = broker.connection.jetstream()
    await stage(database, "a", "b")
    big = Envelope.wrap(GroupFormedV1(group_id="c", name="C" * 3000, state="SN"))
    async with SqlAlchemyUnitOfWork(database, tables) as uow:
        await uow.publish(big)
        await uow.commit()
    await stage(database, "d", "e")
    config = (await js.stream_info("REGISTRY")).config
    config.max_msg_size = 2000
    await js.update_stream(config)
    relay = OutboxRelay(database, tables.outbox, jetstream_publisher(broker), retry=retry_policy())

    with pytest.raises(Exception, match="maximum message size|last msg|message size"):
        await relay.publish_pending()
    assert await stored_groups(broker) == ["a", "b"]  # d and e were sent too, and refused behind c
    assert await relay.pending_count() == 3
    async with database.sessions() as session:
        attempts = dict((await session.execute(select(tables.outbox.c.event_id, tables.outbox.c.attempts))).all())
    assert attempts[str(big.event_id)] == 1 and sorted(attempts.values()) == [0, 0, 0, 0, 1]

    config.max_msg_size = -1
    await js.update_stream(config)
    assert await relay.publish_pending() == 3
    assert await stored_groups(broker) == ["a", "b", "c", "d", "e"]


async def test_a_window_published_again_after_a_crash_is_dropped_by_the_stream_and_order_holds(ready) -> None:
    """Dead after the PubAcks of a whole window, before its mark: the next run sends it again; nothing doubles."""
    database, broker = ready
    names = [f"g{i:03}" for i in range(250)]
    await stage(database, *names)
    with pytest.raises(RelayDied):
        await DyingRelay(database, tables.outbox, jetstream_publisher(broker), retry=retry_policy()).publish_pending()
    assert await stream_messages(broker) == 100  # the first window
    relay = OutboxRelay(database, tables.outbox, jetstream_publisher(broker), retry=retry_policy())
    assert await relay.publish_pending() == 250
    assert await stored_groups(broker) == names
