"""Idempotent consumption: an event's effect and its inbox row commit together."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class Incoming(Protocol):
    """What the inbox records of an incoming event: an `Envelope`, or the `Received` of a command built from one."""

    @property
    def event_id(self) -> object: ...

    @property
    def subject(self) -> str: ...


async def claim(session: AsyncSession, table: Table, envelope: Incoming) -> bool:
    """Record `envelope` as processed in the caller's transaction; False if it already was.

    ON CONFLICT DO NOTHING: a second delivery racing the first waits for the first
    transaction and then finds the row, instead of failing on the primary key.
    """
    return bool(await claim_many(session, table, [envelope]))


async def claim_many(session: AsyncSession, table: Table, envelopes: Sequence[Incoming]) -> set[str]:
    """Record all `envelopes` as processed with one statement; the event ids that were new."""
    if not envelopes:
        return set()
    insert = _INSERT[session.get_bind().dialect.name]
    now = datetime.now(UTC)
    # Parameters beside the statement, not in `.values([...])`: the statement then compiles once and is cached,
    # and SQLAlchemy still sends one INSERT … VALUES (…), (…) … RETURNING ("insertmanyvalues").
    statement = insert(table).on_conflict_do_nothing(index_elements=["event_id"]).returning(table.c.event_id)
    rows = [{"event_id": str(e.event_id), "subject": e.subject, "processed_at": now} for e in envelopes]
    return set((await session.execute(statement, rows)).scalars())
