"""B1 ingest (and B4 catch-up): registry events applied by action planning vs. a raw nats-py pull consumer.

Raw: a pull consumer fetching and acking N messages from the same stream. Ours: the events service
started after the N events were published (so it catches up, as after a restart), until its replica
has acknowledged every event — per event parse and replica update, per fetched batch (up to 250)
one bulk inbox claim, one commit, then the acks. B1 counts from the service answering, B4 from its start.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from sqlalchemy import func, select

from bench.harness import healthy, nats, rss_mb, start
from services.events.adapters import orm
from shared.contracts import Envelope
from shared.contracts.registry import GroupFormedV1
from shared.db import make_database
from shared.messaging.broker import make_broker, stop_quietly
from shared.messaging.consumer import durable_name
from shared.messaging.streams import declare_owned_streams
from shared.settings import ServiceSettings


async def publish(js, n: int) -> None:
    for start_at in range(0, n, 500):
        acks = [
            js.publish(
                GroupFormedV1.subject,
                Envelope.wrap(GroupFormedV1(group_id=f"g{i}", name=f"Gruppe {i}", state="SN"))
                .model_dump_json()
                .encode(),
            )
            for i in range(start_at, min(n, start_at + 500))
        ]
        await asyncio.gather(*acks)


async def raw_consume(js, n: int) -> float:
    sub = await js.pull_subscribe(
        GroupFormedV1.subject, stream="REGISTRY", config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
    )
    started, done = time.perf_counter(), 0
    while done < n:
        for msg in await sub.fetch(min(500, n - done), timeout=5):
            await msg.ack()
            done += 1
    elapsed = time.perf_counter() - started
    await sub.unsubscribe()
    return elapsed


async def replica_rows(path: Path) -> int:
    database = make_database(f"sqlite+aiosqlite:///{path}")
    async with database.sessions() as session:
        count = (await session.execute(select(func.count()).select_from(orm.groups))).scalar_one()
    await database.dispose()
    return count


async def run(n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp, nats(Path(tmp)) as server:
        settings = ServiceSettings(nats_url=server.url)
        broker = make_broker(settings)
        await broker.connect()
        js = broker.connection.jetstream()
        await declare_owned_streams(js, "registry", retry=settings.retry())
        await publish(js, n)
        raw = await raw_consume(js, n)
        process = start("events", server.url, Path(tmp), progress_reports="false")
        started = time.perf_counter()
        await healthy(broker, process)
        answering = time.perf_counter()
        idle = rss_mb(process.pid)
        peak = idle
        durable = durable_name("events", GroupFormedV1.subject)
        while True:  # current: the service's durable consumer has acknowledged every event
            try:
                info = await js.consumer_info("REGISTRY", durable)
            except NotFoundError:
                info = None
            peak = max(peak, rss_mb(process.pid))
            if info and info.num_pending == 0 and info.num_ack_pending == 0 and info.delivered.stream_seq >= n:
                break
            await asyncio.sleep(0.1)
        ours = time.perf_counter() - started
        process.stop()
        await stop_quietly(broker)
        applied = await replica_rows(Path(tmp) / "events.sqlite3")
        if applied != n:
            raise RuntimeError(f"B1: {applied} von {n} Gruppen in der Replik")
    applying = ours - (answering - started)  # B1: from the service answering until current
    return {
        "n": n,
        "raw_per_s": n / raw,
        "ours_per_s": n / applying,
        "ratio": raw / applying,
        "catch_up_s": ours,
        "rss_idle_mb": idle,
        "rss_peak_mb": peak,
    }
