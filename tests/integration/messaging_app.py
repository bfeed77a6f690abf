"""A minimal consumer built only from the shared kernel, for the delivery tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, func, insert, select

from shared.contracts import Envelope
from shared.contracts.registry import GroupFormedV1
from shared.db import Database
from shared.db.unit_of_work import MessagingTables, SqlAlchemyUnitOfWork
from shared.messaging.consumer import DeliveryPolicy, EventConsumer
from shared.messaging.deadletter import DeadLetters

metadata = MetaData()
tables = MessagingTables.on(metadata)
groups_seen = Table("groups_seen", metadata, Column("event_id", String(36)), Column("group_id", String(64)))


async def create_schema(database: Database) -> None:
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


async def count(database: Database, table: Table = groups_seen) -> int:
    async with database.sessions() as session:
        return await session.scalar(select(func.count()).select_from(table)) or 0


@dataclass
class GroupReplica:
    """Applies GroupFormed once per event id; `fail` makes chosen groups raise."""

    database: Database
    fail: dict[str, int] = field(default_factory=dict)  # group_id -> failures left (-1 = forever)
    calls: list[tuple[str, float]] = field(default_factory=list)
    hang: dict[str, float] = field(default_factory=dict)  # group_id -> seconds to stall on first call
    batches: list[int] = field(default_factory=list)  # sizes of the batches applied together
    consumers: list[EventConsumer] = field(default_factory=list)
    committed: asyncio.Event | None = None  # set: after the first batch commits, stall there (a crash before the acks)

    async def handle(self, envelope: Envelope[GroupFormedV1]) -> None:
        import time

        group_id = envelope.payload.group_id
        self.calls.append((group_id, time.monotonic()))
        if stall := self.hang.pop(group_id, 0):
            await asyncio.sleep(stall)
        if self.fail.get(group_id, 0):
            self.fail[group_id] -= 1
            raise RuntimeError(f"vorübergehender Fehler bei {group_id}")
        async with SqlAlchemyUnitOfWork(self.database, tables) as uow:
            if not await uow.claim(envelope):
                return
            await uow.session.execute(insert(groups_seen).values(event_id=str(envelope.event_id), group_id=group_id))
            await uow.commit()

    async def handle_many(self, batch: list[tuple[Envelope[GroupFormedV1], int]]) -> None:
        """All in one transaction: one failing group fails the whole batch."""
        self.batches.append(len(batch))
        async with SqlAlchemyUnitOfWork(self.database, tables) as uow:
            for envelope in await uow.claim_many([e for e, _ in batch]):
                if self.fail.get(envelope.payload.group_id, 0):
                    raise RuntimeError(f"vorübergehender Fehler bei {envelope.payload.group_id}")
                await uow.session.execute(
                    insert(groups_seen).values(event_id=str(envelope.event_id), group_id=envelope.payload.group_id)
                )
            await uow.commit()
        if self.committed is not None and not self.committed.is_set():
            self.committed.set()
            await asyncio.sleep(3600)  # the process "dies" here: committed, never acknowledged

    def subscribe(self, broker: Any, policy: DeliveryPolicy, batched: bool = False) -> Any:
        """FastStream's subscriber (started with the broker) or, `batched`, the fetch loop (started by the test)."""
        consumer = EventConsumer(
            GroupFormedV1,
            "events",
            self.handle,
            DeadLetters(broker, "events"),
            policy,
            self.handle_many if batched else None,
        )
        self.consumers.append(consumer)
        return consumer.attach(broker)

    async def stop(self) -> None:
        for consumer in self.consumers:
            await consumer.stop()
