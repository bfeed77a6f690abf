"""Idempotent consumption: an event's effect and its inbox row commit together."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Envelope


async def claim(session: AsyncSession, table: Table, envelope: Envelope[Any]) -> bool:
    """Record `envelope` as processed in the caller's transaction; False if it already was.

    Two racing deliveries both pass the check; the primary key lets only one commit.
    """
    event_id = str(envelope.event_id)
    if await session.scalar(select(table.c.event_id).where(table.c.event_id == event_id)):
        return False
    await session.execute(
        insert(table).values(event_id=event_id, subject=envelope.subject, processed_at=datetime.now(UTC))
    )
    return True
