"""B2 fan-out: a mailing to N subscribers, each with a personal unsubscribe link, to an SMTP sink in another process.

Ours: the notifications service gets one "post" command for a list of N members; it composes N personal
messages, queues them in its database and delivers them through its connection pool, marking each sent.
Timed from the command to the last "sent" mark. Raw: the same N messages, prebuilt (read back from the
service's database afterwards), sent by a bare aiosmtplib loop over one connection to the same sink.
The sink is postfix's `smtp-sink` where installed, else aiosmtpd (`drill.sink`).

`B2_DATABASE_URL=postgresql+asyncpg://…` runs the service on PostgreSQL (a schema of its own, dropped afterwards)
instead of its SQLite file.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import aiosmtplib
from sqlalchemy import insert, select, text

from bench.harness import healthy, nats, rss_mb, start
from bench.sink import postfix_sink
from beratungsnetz.runtime.ports import free_port
from drill.sink import Sink
from services.notifications.adapters import orm
from shared.contracts import notifications as n
from shared.db import make_database
from shared.messaging.broker import make_broker, stop_quietly
from shared.messaging.rpc import request
from shared.settings import ServiceSettings

LIST = "rundbrief"
SENDER = "verteiler@beratungsnetz.example"


async def ask(broker, spec, payload, timeout: float = 120):
    reply = await request(broker, spec, payload, timeout=timeout)
    if not reply.ok:
        raise RuntimeError(reply.error)
    return reply.data


async def seed_members(database_url: str, count: int, schema: str | None = None) -> None:
    """N active members, written straight into the service's database (benchmark set-up only)."""
    database = make_database(database_url, schema=schema)
    async with database.sessions.begin() as session:
        await session.execute(
            insert(orm.members),
            [
                {
                    "list_id": LIST,
                    "address": f"mitglied{i:05d}@example.org",
                    "display_name": f"Mitglied {i}",
                    "role": "mitglied",
                    "delivery": "jede",
                    "status": "aktiv",
                    "since": datetime.now(UTC),
                }
                for i in range(count)
            ],
        )
    await database.dispose()


async def prebuilt(database_url: str, schema: str | None = None) -> list[tuple[str, bytes]]:
    database = make_database(database_url, schema=schema)
    async with database.sessions() as session:
        rows = (
            await session.execute(
                select(orm.deliveries.c.recipient, orm.deliveries.c.message).where(orm.deliveries.c.kind == "beitrag")
            )
        ).all()
    await database.dispose()
    return [(r.recipient, r.message) for r in rows]


async def drop_schema(url: str, schema: str) -> None:
    database = make_database(url)
    async with database.engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await database.dispose()


async def raw_send(port: int, messages: list[tuple[str, bytes]]) -> float:
    smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
    await smtp.connect()
    started = time.perf_counter()
    for recipient, message in messages:
        await smtp.sendmail(SENDER, [recipient], message)
    elapsed = time.perf_counter() - started
    await smtp.quit()
    return elapsed


class AnySink:
    """postfix's smtp-sink if installed (it counts), else the aiosmtpd sink (it notes every recipient)."""

    def __init__(self, base: Path) -> None:
        self.port = free_port()
        self.counter = base / "smtp-sink.out"
        self.postfix = postfix_sink(self.port, self.counter)
        self.aiosmtpd = None if self.postfix else Sink(self.port, base / "mails.tsv", base / "sink.log").start()
        self.kind = "postfix smtp-sink" if self.postfix else "aiosmtpd (eigener Prozess)"
        if self.postfix:
            time.sleep(0.3)

    def accepted(self) -> int:
        if self.aiosmtpd:
            return len(self.aiosmtpd.lines())
        counts = re.findall(rb"mesg=(\d+)", self.counter.read_bytes()) if self.counter.exists() else []
        return int(counts[-1]) if counts else 0

    def stop(self) -> None:
        if self.aiosmtpd:
            self.aiosmtpd.stop()
        elif self.postfix:
            self.postfix.terminate()
            self.postfix.wait(10)


async def run(count: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp, nats(Path(tmp)) as server:
        base = Path(tmp)
        sink = AnySink(base)
        url = os.environ.get("B2_DATABASE_URL") or f"sqlite+aiosqlite:///{base / 'notifications'}.sqlite3"
        schema = f"bench_b2_{uuid.uuid4().hex[:8]}" if url.startswith("postgresql") else None
        process = start(
            "notifications",
            server.url,
            base,
            database_url=url,
            **({"database_schema": schema} if schema else {}),
            smtp_port=str(sink.port),
            secret_key="x" * 40,
            delivery_poll_seconds="0.2",
        )
        broker = make_broker(ServiceSettings(nats_url=server.url))
        await broker.connect()
        try:
            await healthy(broker, process)
            idle = rss_mb(process.pid)
            await ask(
                broker,
                n.CREATE_LIST,
                n.CreateList(
                    name="Rundbrief", policy="moderiert", owner_address="kathrin@example.org", owner_name="Kathrin"
                ),
            )
            await seed_members(url, count, schema)
            before = sink.accepted()
            started = time.perf_counter()
            posted = await ask(
                broker,
                n.POST,
                n.Post(
                    list_id=LIST,
                    moderator="kathrin@example.org",
                    subject="Aufruf zum Zahltag",
                    text="Kommt alle am 1. Dezember zum Jobcenter.\n" * 20,
                ),
            )
            queued = time.perf_counter() - started  # the post command composed and queued every message
            peak, first = rss_mb(process.pid), None
            while True:
                stats = await ask(broker, n.DELIVERY_STATS, n.StatsQuery(event_id=posted.event_id))
                peak = max(peak, rss_mb(process.pid))
                if first is None and stats.sent:
                    first = time.perf_counter() - started  # the first mail accepted by the sink (within 50 ms)
                if stats.pending == 0:
                    break
                await asyncio.sleep(0.05)
            ours = time.perf_counter() - started
            ours_accepted = sink.accepted() - before
        finally:
            process.stop()
            await stop_quietly(broker)
        messages = await prebuilt(url, schema)
        if schema:
            await drop_schema(url, schema)
        before = sink.accepted()
        raw = await raw_send(sink.port, messages)
        raw_accepted = sink.accepted() - before
        sink.stop()
    total = posted.recipients
    if stats.sent != total or ours_accepted < total or raw_accepted < len(messages):
        raise RuntimeError(
            f"B2 unvollständig: gesendet {stats.sent}/{total}, Senke {ours_accepted} bzw. {raw_accepted}/{len(messages)}"
        )
    return {
        "n": total,
        "sink": sink.kind,
        "database": "PostgreSQL" if schema else "SQLite",
        "ours_per_s": total / ours,
        "raw_per_s": len(messages) / raw,
        "ratio": (total / ours) / (len(messages) / raw),
        "first_mail_s": first,
        "last_mail_s": ours,
        "rss_idle_mb": idle,
        "rss_peak_mb": peak,
        "message_bytes": sum(len(m) for _, m in messages) // max(1, len(messages)),
        "queued_s": queued,
        "total_s": ours,
    }


if __name__ == "__main__":
    print(asyncio.run(run(int(os.environ.get("B2_N", "2000")))))
