"""A unit of work over one session: state, outgoing events and the inbox commit together."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self, TypeVar

from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncSession

from shared import context
from shared.contracts import Envelope, EventPayload
from shared.db.engine import Database
from shared.messaging import erasure, inbox, outbox
from shared.messaging.inbox import Incoming
from shared.messaging.tables import inbox_table, outbox_table, scrubs_table

In = TypeVar("In", bound=Incoming)


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    inbox: Table
    scrubs: Table  # erasure: which words the service's own streams must lose (shared/messaging/erasure.py)

    @classmethod
    def on(cls, metadata: MetaData) -> MessagingTables:
        return cls(outbox_table(metadata), inbox_table(metadata), scrubs_table(metadata))


class SqlAlchemyUnitOfWork:
    """Services subclass this to add their repositories in `_start`."""

    session: AsyncSession

    def __init__(
        self, database: Database, tables: MessagingTables, on_commit: Callable[[], None] = lambda: None
    ) -> None:
        self._database, self._tables, self._on_commit = database, tables, on_commit
        self._staged_events = False

    async def __aenter__(self) -> Self:
        self.session = self._database.sessions()
        self._staged_events = False
        self._outgoing: list[dict[str, Any]] = []
        self._start()
        return self

    def _start(self) -> None:
        """Hook for repositories bound to `self.session`."""

    async def __aexit__(self, *exc_info: object) -> None:
        await self.session.rollback()
        await self.session.close()

    async def commit(self) -> None:
        await self._stage_outgoing()
        await self.session.commit()
        if self._staged_events:
            self._on_commit()
            self._staged_events = False

    async def rollback(self) -> None:
        await self.session.rollback()

    async def publish(self, envelope: Envelope[Any]) -> None:
        """Stage an event; it is published by the relay once this unit commits.

        Its outbox row is written with the others of this unit at the commit, in one statement: one round trip
        to the database per event made staging 1,000 events take seconds."""
        self._outgoing.append(outbox.outbox_row(envelope))
        self._staged_events = True

    async def _stage_outgoing(self) -> None:
        rows, self._outgoing = self._outgoing, []
        await outbox.add_many_to_outbox(self.session, self._tables.outbox, rows)

    async def publish_event(self, payload: EventPayload) -> None:
        """Wrap `payload` in an envelope that continues the current request's trail, and stage it."""
        ctx = context.current()
        envelope = Envelope.wrap(
            payload, correlation_id=ctx.correlation_id, causation_id=ctx.causation_id, actor=ctx.actor
        )
        await self.publish(envelope)

    async def forget_person(self, words: Iterable[str], now: datetime) -> int:
        """Erasure (Art. 17 GDPR) in this transaction: outbox rows naming `words` (address, names) go now, and the
        service's own streams lose every message naming them once the relay is past them (`ScrubJob`)."""
        words = list(words)
        await self._stage_outgoing()  # what this unit staged before is forgotten too
        forgotten = await erasure.forget_in_outbox(self.session, self._tables.outbox, words)
        await erasure.schedule_scrub(self.session, self._tables.scrubs, words, now)
        return forgotten

    async def claim(self, envelope: Incoming) -> bool:
        """Mark an incoming event processed in this transaction; False if it already was."""
        return await inbox.claim(self.session, self._tables.inbox, envelope)

    async def claim_many(self, envelopes: list[In]) -> list[In]:
        """Mark a batch processed in this transaction; the envelopes not processed before, in order."""
        new: set[str] = set()
        for start in range(0, len(envelopes), 200):  # below SQLite's limit of bound variables
            new |= await inbox.claim_many(self.session, self._tables.inbox, envelopes[start : start + 200])
        fresh = []
        for envelope in envelopes:  # each once, even if the batch held it twice
            if (event_id := str(envelope.event_id)) in new:
                new.discard(event_id)
                fresh.append(envelope)
        return fresh
