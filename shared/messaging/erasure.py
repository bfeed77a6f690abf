"""Erasure in the messaging tables and streams a service owns (Art. 17 GDPR), the same in every service.

In the transaction that erases a person from a service's records, `forget_in_outbox` deletes every outbox row that
names them (published or not: what the service restates about the affected records follows as new events without
the person) and `schedule_scrub` notes that the service's own streams must be scrubbed. `ScrubJob` does that a few
seconds later — after the outbox relay published what was already on its way — and again at every start, so an
erasure survives a crash: the note, the only place the words are kept meanwhile, is deleted once the streams are clean.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.people import PersonRecord
from shared.db.engine import Database
from shared.logging import get_logger
from shared.messaging.scrub import find_in_streams, mentions, needles_of, scrub_stream
from shared.messaging.streams import deadletter_stream_name, stream_name
from shared.privacy import words_of

log = get_logger(__name__)


async def forget_in_outbox(session: AsyncSession, outbox: Table, words: Iterable[str]) -> int:
    """Delete every outbox row whose body or headers name one of `words`; the count deleted."""
    needles = needles_of(words)
    if not needles:
        return 0
    rows = await session.execute(select(outbox.c.position, outbox.c.body, outbox.c.headers))
    naming = [
        position
        for position, body, headers in rows
        if mentions(bytes(body), needles) or mentions(json.dumps(headers or {}).encode(), needles)
    ]
    for start in range(0, len(naming), 500):
        await session.execute(delete(outbox).where(outbox.c.position.in_(naming[start : start + 500])))
    return len(naming)


async def schedule_scrub(session: AsyncSession, scrubs: Table, words: Iterable[str], now: datetime) -> None:
    """Note in the caller's transaction that the service's streams must lose every message naming `words`."""
    chosen = words_of(*words)
    if chosen:
        await session.execute(insert(scrubs).values(words=chosen, created_at=now))


async def run_scrubs(
    database: Database, scrubs: Table, js: object, streams: list[str], now: datetime, grace: timedelta
) -> int:
    """Scrub `streams` for every note older than `grace`, then delete the note; the messages deleted."""
    async with database.sessions() as session:
        due = (await session.execute(select(scrubs).where(scrubs.c.created_at <= now - grace))).all()
    deleted = 0
    for note in due:
        for stream in streams:
            deleted += await scrub_stream(js, stream, note.words)  # type: ignore[arg-type]
        async with database.sessions() as session, session.begin():
            await session.execute(delete(scrubs).where(scrubs.c.id == note.id))
    if due:
        log.info("erasure.streams_scrubbed", notes=len(due), deleted=deleted)
    return deleted


def scrub_job(
    service: str,
    database: Database,
    scrubs: Table,
    jetstream: Callable[[], object],
    streams: list[str],
    now: Callable[[], datetime],
    every_seconds: float,
    grace: timedelta,
) -> Callable[[], Awaitable[None]]:
    """The periodic job: scrub the service's `streams` for every erasure note past `grace`, at start and then every
    `every_seconds`. A failure (NATS away) is logged and tried again on the next round; the note stays until done."""

    async def erasure_scrubs() -> None:
        while True:
            try:
                await run_scrubs(database, scrubs, jetstream(), streams, now(), grace)
            except Exception as exc:  # noqa: BLE001 - the note stays; the next round tries again
                log.warning("erasure.scrub_failed", service=service, error=type(exc).__name__)
            await asyncio.sleep(every_seconds)

    return erasure_scrubs


async def stream_records(js: object, service: str, words: Iterable[str]) -> list[PersonRecord]:
    """Art. 15: the messages of the service's own event stream and dead letters that name the person, as records."""
    streams = [stream_name(service), deadletter_stream_name(service)]
    found = await find_in_streams(js, streams, words)  # type: ignore[arg-type]
    return [
        PersonRecord(
            kind="Nachricht, die nicht verarbeitet werden konnte" if f.stream.startswith("DEADLETTER_") else "Ereignis",
            data={
                "Stream": f.stream,
                "Nummer": f.seq,
                "Betreff": f.subject,
                "Zeitpunkt": f.at.isoformat() if f.at else "",
            },
            purpose="Fehleranalyse und Nachbearbeitung"
            if f.stream.startswith("DEADLETTER_")
            else "Andere Dienste und ihre Kopien bauen ihren Stand aus den Ereignissen auf",
            retention="Bis zur Löschung der Person, höchstens RETENTION_DEADLETTER_DAYS Tage (Standard 30)"
            if f.stream.startswith("DEADLETTER_")
            else "Bis zur Löschung der Person (dann sicher gelöscht)",
        )
        for f in found
    ]
