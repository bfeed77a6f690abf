"""Erasure in the messaging tables and streams a service owns (shared/messaging/erasure.py), on SQLite and PostgreSQL
and a real nats-server: outbox rows naming the person go in the erasing transaction, the streams are scrubbed once
the grace period is over, and the note that asked for it is gone afterwards."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import MetaData, select

from shared.contracts import Envelope
from shared.contracts.registry import Coordinator, GroupFormedV1
from shared.db.unit_of_work import MessagingTables, SqlAlchemyUnitOfWork
from shared.messaging.erasure import forget_in_outbox, run_scrubs, schedule_scrub
from shared.messaging.outbox import OutboxRelay, jetstream_publisher
from shared.messaging.streams import declare_owned_streams
from tests.support import retry_policy, stream_messages

metadata = MetaData()
tables = MessagingTables.on(metadata)
scrubs = tables.scrubs
ADDRESS = "jana@example.org"
NAME = "Jana Zürich"


def formed(group_id: str, name: str, email: str) -> Envelope:
    return Envelope.wrap(
        GroupFormedV1(
            group_id=group_id, name=f"Gruppe {group_id}", state="SN", coordinator=Coordinator(name=name, email=email)
        )
    )


async def test_an_erasure_empties_outbox_and_stream_of_the_person_and_keeps_the_others(database, broker, clock):
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await broker.connect()
    js = broker.connection.jetstream()
    await declare_owned_streams(js, "registry", retry=retry_policy())
    relay = OutboxRelay(database, tables.outbox, jetstream_publisher(broker), retry=retry_policy())

    async with SqlAlchemyUnitOfWork(database, tables) as uow:  # published before the erasure
        await uow.publish(formed("a", NAME, ADDRESS))
        await uow.publish(formed("b", "Wolfgang", "wolfgang@example.org"))
        await uow.commit()
    assert await relay.publish_pending() == 2
    async with SqlAlchemyUnitOfWork(database, tables) as uow:  # still on its way when the erasure comes
        await uow.publish(formed("c", NAME, ADDRESS.upper()))
        await uow.commit()

    async with database.sessions() as session, session.begin():
        assert (
            await forget_in_outbox(session, tables.outbox, [ADDRESS, NAME]) == 2
        )  # the published row and the waiting one
        await schedule_scrub(session, scrubs, [ADDRESS, NAME, " "], clock.now())
    assert await relay.publish_pending() == 0  # nothing naming her is left to publish
    async with database.sessions() as session:
        bodies = [bytes(b).decode() for b in (await session.scalars(select(tables.outbox.c.body))).all()]
        assert [b for b in bodies if "wolfgang" in b] and not [b for b in bodies if "jana" in b.lower()]
        assert (await session.scalars(select(scrubs.c.words))).all() == [[NAME, ADDRESS]]  # sorted, blanks dropped

    grace = timedelta(seconds=5)
    assert await run_scrubs(database, scrubs, js, ["REGISTRY", "DEADLETTER_REGISTRY"], clock.now(), grace) == 0
    assert any(
        ADDRESS in t for t in [m.data.decode() for m in await stream_messages(js, "REGISTRY")]
    )  # not yet: the grace period runs

    deleted = await run_scrubs(database, scrubs, js, ["REGISTRY", "DEADLETTER_REGISTRY"], clock.now() + grace, grace)
    texts = [m.data.decode() for m in await stream_messages(js, "REGISTRY")]
    assert deleted == 1
    assert len(texts) == 1 and "wolfgang@example.org" in texts[0]
    async with database.sessions() as session:
        assert (await session.scalars(select(scrubs.c.id))).all() == []  # the note, and the words in it, are gone
