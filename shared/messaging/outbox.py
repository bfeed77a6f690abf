"""Transactional outbox: the event is written with the state change, a relay publishes it.

The relay publishes each row with `Nats-Msg-Id = event_id` and marks it sent only after
the stream's PubAck. If it dies in between, the next run publishes the row again and the
stream's duplicate window drops the copy; if NATS is away, it keeps retrying with backoff.

Rows leave in windows: all publishes of a window are under way at once and the window is marked
sent in one transaction (waiting for each PubAck before the next publish made the relay a fifth
as fast as the stream). Order is kept by the stream itself: each row after the first of a window
expects the row before it as the stream's last message (`Nats-Expected-Last-Msg-Id`), so if one
is lost or refused, none behind it is stored; they all go again, in order, in the next round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Envelope
from shared.db.engine import Database
from shared.logging import get_logger
from shared.messaging.streams import stream_name
from shared.retry import RetryPolicy

log = get_logger(__name__)

Publish = Callable[[str, bytes, dict[str, str], str], Awaitable[Any]]
EXPECTED_LAST = "Nats-Expected-Last-Msg-Id"


def envelope_headers(envelope: Envelope[Any]) -> dict[str, str]:
    headers = {"Nats-Msg-Id": str(envelope.event_id), "Bn-Event-Type": envelope.type}
    if envelope.correlation_id:
        headers["Bn-Correlation-Id"] = envelope.correlation_id
    return headers


def outbox_row(envelope: Envelope[Any]) -> dict[str, Any]:
    """The outbox row that stages `envelope`."""
    return {
        "event_id": str(envelope.event_id),
        "subject": envelope.subject,
        "body": envelope.model_dump_json().encode(),
        "headers": envelope_headers(envelope),
        "created_at": datetime.now(UTC),
        "attempts": 0,
    }


async def add_to_outbox(session: AsyncSession, table: Table, envelope: Envelope[Any]) -> None:
    """Stage `envelope` in the caller's transaction; it leaves only if that commits."""
    await add_many_to_outbox(session, table, [outbox_row(envelope)])


async def add_many_to_outbox(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """Stage `rows` (`outbox_row`) in the caller's transaction, in this order, with one statement."""
    if rows:
        await session.execute(insert(table), rows)


def jetstream_publisher(broker: Any, timeout: float = 5.0) -> Publish:
    """Publish through FastStream and wait for the stream's PubAck."""

    async def publish(subject: str, body: bytes, headers: dict[str, str], producer: str) -> Any:
        return await broker.publish(
            body,
            subject,
            headers=headers,
            correlation_id=headers.get("Bn-Correlation-Id"),
            stream=stream_name(producer),
            timeout=timeout,
        )

    return publish


class OutboxRelay:
    def __init__(
        self,
        database: Database,
        table: Table,
        publish: Publish,
        *,
        retry: RetryPolicy,
        poll_seconds: float = 0.5,
        batch_size: int = 100,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db, self._table, self._publish = database, table, publish
        self._now = now  # the service's clock: a row's publication is what its retention counts from
        self._poll, self._batch, self._retry = poll_seconds, batch_size, retry
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Called after a commit that staged events, so they leave without waiting for the poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            # NATS away, timeout, database busy: try again later, with pauses that start short after each success
            async for attempt in self._retry.forever(Exception, event="outbox.retry"):
                with attempt:
                    await self.publish_pending()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
            except TimeoutError:
                pass
            self._wake.clear()

    async def publish_pending(self) -> int:
        """Publish unsent rows in order, a window at a time; stop at the first failure so order is kept.

        Rows are marked sent per window, not per row: a crash before the mark only means
        the window is published again, and the stream's duplicate window drops the copies.
        """
        sent = 0
        while rows := await self._pending():
            outcomes = await asyncio.gather(*self._window(rows), return_exceptions=True)
            failed = next((i for i, outcome in enumerate(outcomes) if isinstance(outcome, BaseException)), None)
            done = [row.position for row in rows[:failed]]
            if done:
                await self.mark_published(done)
            sent += len(done)
            if failed is not None:
                await self._record_failure(rows[failed].position, outcomes[failed])
                raise outcomes[failed]
        return sent

    def _window(self, rows: list[Any]) -> list[Awaitable[Any]]:
        """The publishes of one window, started together; each row expects its predecessor in the same stream."""
        publishes, before = [], None
        for row in rows:
            producer = row.subject.split(".", 1)[0]
            headers = dict(row.headers)
            if before is not None and before.subject.split(".", 1)[0] == producer:
                headers[EXPECTED_LAST] = before.event_id
            publishes.append(self._publish(row.subject, row.body, headers, producer))
            before = row
        return publishes

    async def _pending(self) -> list[Any]:
        t = self._table
        async with self._db.sessions() as session:
            query = select(t).where(t.c.published_at.is_(None)).order_by(t.c.position).limit(self._batch)
            return list((await session.execute(query)).all())

    async def mark_published(self, positions: list[int]) -> None:
        t = self._table
        async with self._db.sessions.begin() as session:
            await session.execute(
                update(t).where(t.c.position.in_(positions)).values(published_at=self._now(), last_error=None)
            )

    async def _record_failure(self, position: int, exc: Exception) -> None:
        t = self._table
        async with self._db.sessions.begin() as session:
            await session.execute(
                update(t).where(t.c.position == position).values(attempts=t.c.attempts + 1, last_error=repr(exc)[:500])
            )

    async def pending_count(self) -> int:
        t = self._table
        async with self._db.sessions() as session:
            return await session.scalar(select(func.count()).where(t.c.published_at.is_(None))) or 0
