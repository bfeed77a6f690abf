"""Retention: how long what a service stores is kept, and the periodic job that deletes what is past its limit.

Each service lists its rules (a name and a function that deletes what lies before a moment and says how many rows
it touched); the shared rules for the tables every service has (the outbox) come from here, not from each service.
The job reads time only from the service's clock and logs counts, never what was deleted.

What is kept on purpose:
- Unpublished outbox rows: never deleted, they are events not yet out (the relay keeps trying).
- Inbox rows (the ids of processed events): kept. They are what makes consuming exactly-once, and an event can reach
  a consumer again as long as it is in its stream: the event streams keep their events without a time limit, a
  consumer created anew reads its stream from the start (DeliverPolicy.ALL), and a row the relay published but could
  not mark is published again after any outage, past the stream's duplicate window. A row holds no personal data,
  only the event's id, subject and when it was processed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, delete

from shared.db.engine import Database
from shared.logging import get_logger

log = get_logger(__name__)

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """`prune(now)` deletes (or empties) what is past its limit at `now` and returns how many rows it touched."""

    name: str
    prune: Callable[[datetime], Awaitable[int]]


def cutoff(now: datetime, days: float) -> datetime:
    """The moment before which something kept `days` days is past its limit (kept: exactly `days` days old)."""
    return now - timedelta(days=days)


async def prune_published_outbox(database: Database, table: Table, before: datetime) -> int:
    """Published outbox rows whose publication lies before `before`; rows not yet published stay, whatever their age."""
    async with database.sessions.begin() as session:
        done = await session.execute(
            delete(table).where(table.c.published_at.is_not(None), table.c.published_at < before)
        )
    return done.rowcount or 0


def outbox_rule(database: Database, table: Table, days: float) -> Rule:
    async def prune(now: datetime) -> int:
        return await prune_published_outbox(database, table, cutoff(now, days))

    return Rule("outbox_veroeffentlicht", prune)


async def enforce(service: str, rules: Sequence[Rule], now: datetime) -> dict[str, int]:
    """Run every rule once at `now`; a failing rule is logged and the others still run (the next run tries again)."""
    counts: dict[str, int] = {}
    for rule in rules:
        try:
            counts[rule.name] = await rule.prune(now)
        except Exception as exc:  # noqa: BLE001 - logged; the next run tries again, nothing is deleted half
            log.warning("retention.failed", service=service, rule=rule.name, error=type(exc).__name__)
    log.info("retention.pruned", service=service, **counts)
    return counts


def retention_job(
    service: str, rules: Sequence[Rule], now: Callable[[], datetime], every_seconds: float
) -> Callable[[], Awaitable[None]]:
    """The periodic job: enforce the rules at start and then every `every_seconds`, with time from `now`."""

    async def retention() -> None:
        while True:
            await enforce(service, rules, now())
            await asyncio.sleep(every_seconds)

    return retention
