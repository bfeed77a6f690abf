"""Outbox relay vs. raw JetStream publishing, same server, same run.

Raw: nats-py `js.publish` with a PubAck per message (the floor for at-least-once).
Ours: events staged in SQLite through the unit of work, then published by the relay
(PubAck per message, plus marking each row sent). The ratio is what durability costs.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlalchemy import MetaData

from beratungsnetz.runtime.nats_server import NatsServer
from shared.contracts import Envelope
from shared.contracts.registry import GroupFormedV1
from shared.db import make_database
from shared.db.unit_of_work import MessagingTables, SqlAlchemyUnitOfWork
from shared.messaging.broker import make_broker
from shared.messaging.outbox import OutboxRelay, jetstream_publisher
from shared.messaging.streams import declare_owned_streams
from shared.retry import RetryPolicy
from shared.settings import ServiceSettings


def envelopes(n: int) -> list[Envelope]:
    return [Envelope.wrap(GroupFormedV1(group_id=f"g{i}", name=f"Gruppe {i}", state="SN")) for i in range(n)]


async def raw_publish(js, batch: list[Envelope]) -> float:
    started = time.perf_counter()
    for e in batch:
        await js.publish(e.subject, e.model_dump_json().encode(), headers={"Nats-Msg-Id": str(e.event_id)})
    return time.perf_counter() - started


async def outbox_publish(database, tables, broker, batch: list[Envelope], retry: RetryPolicy) -> float:
    started = time.perf_counter()
    async with SqlAlchemyUnitOfWork(database, tables) as uow:
        for e in batch:
            await uow.publish(e)
        await uow.commit()
    await OutboxRelay(database, tables.outbox, jetstream_publisher(broker), retry=retry).publish_pending()
    return time.perf_counter() - started


async def run(n: int = 1000, rounds: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        server = NatsServer(Path(tmp) / "nats").start()
        database = make_database(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3")
        tables = MessagingTables.on(MetaData())
        async with database.engine.begin() as conn:
            await conn.run_sync(tables.outbox.metadata.create_all)
        settings = ServiceSettings(nats_url=server.url)
        broker = make_broker(settings)
        await broker.connect()
        js = broker.connection.jetstream()
        await declare_owned_streams(js, "registry", retry=settings.retry())
        try:
            raw, ours = [], []
            for _ in range(rounds):  # interleaved, so machine noise hits both alike; the best of each counts
                raw.append(await raw_publish(js, envelopes(n)))
                ours.append(await outbox_publish(database, tables, broker, envelopes(n), settings.retry()))
        finally:
            await broker.stop()
            await database.dispose()
            server.stop()
    return {"n": n, "raw_per_s": n / min(raw), "ours_per_s": n / min(ours)}
