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


async def test_a_failure_mid_batch_keeps_order_and_marks_only_what_was_acknowledged(database) -> None:
    await create_schema(database)
    await stage(database, "a", "b", "c", "d")
    published: list[str] = []

    async def publish(subject: str, body: bytes, headers: dict, producer: str) -> None:
        group = Envelope[GroupFormedV1].model_validate_json(body).payload.group_id
        if group == "c" and "c-failed" not in published:
            published.append("c-failed")
            raise ConnectionError("NATS weg")
        published.append(group)

    relay = OutboxRelay(database, tables.outbox, publish, retry=retry_policy())
    with pytest.raises(ConnectionError):
        await relay.publish_pending()
    assert published == ["a", "b", "c-failed"]  # d was not tried before c: order is kept
    assert await relay.pending_count() == 2

    assert await relay.publish_pending() == 2
    assert published == ["a", "b", "c-failed", "c", "d"]
    async with database.sessions() as session:
        attempts = dict((await session.execute(select(tables.outbox.c.event_id, tables.outbox.c.attempts))).all())
    assert sorted(attempts.values()) == [0, 0, 0, 1]
