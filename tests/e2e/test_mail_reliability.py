"""Delivery under failure: the service killed (SIGKILL) mid-mailing, the SMTP server away for 30 s."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import insert

from services.notifications.adapters import orm
from shared.contracts import notifications as n
from shared.db import make_database
from shared.messaging.rpc import request
from tests.e2e.processes import start_service, stop, wait_healthy
from tests.smtp import SmtpServer
from tests.support import test_clock

pytestmark = pytest.mark.e2e
LIST = "aufruf"


async def ask(broker, spec, payload, timeout: float = 30):
    reply = await request(broker, spec, payload, timeout=timeout)
    assert reply.ok, reply.error
    return reply.data


async def seed_members(tmp_path: Path, count: int) -> list[str]:
    """A list with `count` members, written straight into the service's database (test set-up only)."""
    database = make_database(f"sqlite+aiosqlite:///{tmp_path / 'notifications.sqlite3'}")
    addresses = [f"mitglied{i:04d}@example.org" for i in range(count)]
    async with database.sessions.begin() as session:
        await session.execute(
            insert(orm.members),
            [
                {
                    "list_id": LIST,
                    "address": a,
                    "display_name": f"Mitglied {i}",
                    "role": "mitglied",
                    "delivery": "jede",
                    "status": "aktiv",
                    "since": test_clock().now(),
                }
                for i, a in enumerate(addresses)
            ],
        )
    await database.dispose()
    return addresses


def settings(smtp_port: int, **extra: str) -> dict[str, str]:
    return {"smtp_port": str(smtp_port), "secret_key": "x" * 40, "delivery_poll_seconds": "0.2", **extra}


async def until(check, timeout: float, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := await check():
            return result
        await asyncio.sleep(interval)
    raise AssertionError(f"nicht innerhalb von {timeout} s: {check.__name__}")


@pytest.fixture
async def started(nats_server, broker, tmp_path: Path):
    await broker.connect()
    return broker, nats_server, tmp_path


async def new_list(broker) -> None:
    await ask(
        broker,
        n.CREATE_LIST,
        n.CreateList(name="Aufruf", policy="moderiert", owner_address="kathrin@example.org", owner_name="Kathrin"),
    )


async def test_killed_mid_mailing_every_recipient_gets_exactly_one_message(started) -> None:
    broker, nats_server, tmp_path = started
    smtp = SmtpServer().start()
    process = start_service("notifications", nats_server.url, tmp_path, **settings(smtp.port))
    try:
        await wait_healthy(broker, "notifications", process)
        await new_list(broker)
        recipients = await seed_members(tmp_path, 2000)
        posted = await ask(
            broker,
            n.POST,
            n.Post(
                list_id=LIST,
                moderator="kathrin@example.org",
                subject="Aufruf zum Zahltag",
                text="Kommt alle am 1. Dezember zum Jobcenter.",
            ),
        )
        assert posted.recipients == 2001  # 2,000 members and the owner

        async def halfway() -> bool:
            return len(smtp.mailbox.received) >= 700

        await until(halfway, timeout=60, interval=0.005)
        process.kill()  # SIGKILL, no goodbye: right after the server accepted a message
        at_kill = len(smtp.mailbox.received)
        process = start_service("notifications", nats_server.url, tmp_path, **settings(smtp.port))
        await wait_healthy(broker, "notifications", process)

        async def all_sent() -> bool:
            stats = await ask(broker, n.DELIVERY_STATS, n.StatsQuery(event_id=posted.event_id))
            return stats.pending == 0 and stats.sent == 2001

        await until(all_sent, timeout=120, interval=0.5)
        posts = [m for m in smtp.mailbox.received if "Aufruf zum Zahltag" in m.message["Subject"]]
        copies = Counter(m.recipient for m in posts)
        messages = Counter((m.recipient, m.message["Message-ID"]) for m in posts)
        duplicates = sum(c - 1 for c in copies.values())
        print(
            f"\nSIGKILL nach {at_kill} von 2.001 Mails; danach zugestellt: {len(posts)} Übertragungen, "
            f"{len(messages)} verschiedene Nachrichten, {duplicates} doppelte Übertragung(en)"
        )
        assert set(copies) == set(recipients) | {"kathrin@example.org"}  # nobody missing
        assert len(messages) == 2001 and all(count == 1 for count in Counter(r for r, _ in messages).values())
        assert duplicates <= 4  # at most the messages in flight at the kill (pool size), all with the same Message-ID
    finally:
        stop(process)
        smtp.stop()


@pytest.mark.timeout(300)  # the mail server is away for 30 s by design; about 35 s alone
async def test_smtp_server_away_for_30_seconds_then_everything_arrives_once(started) -> None:
    broker, nats_server, tmp_path = started
    smtp = SmtpServer()  # the port is reserved, the server is not running
    process = start_service(
        "notifications", nats_server.url, tmp_path, **settings(smtp.port, retry_backoff_seconds="[1, 2, 4, 8]")
    )
    try:
        await wait_healthy(broker, "notifications", process)
        await new_list(broker)
        recipients = await seed_members(tmp_path, 50)
        posted = await ask(
            broker, n.POST, n.Post(list_id=LIST, moderator="kathrin@example.org", subject="Rundbrief", text="Hallo.")
        )
        await asyncio.sleep(30)
        stats = await ask(broker, n.DELIVERY_STATS, n.StatsQuery(event_id=posted.event_id))
        assert (stats.pending, stats.sent, stats.failed) == (51, 0, 0)  # kept, not given up
        smtp.start()

        async def all_sent() -> bool:
            s = await ask(broker, n.DELIVERY_STATS, n.StatsQuery(event_id=posted.event_id))
            return s.pending == 0 and s.sent == 51

        started_at = time.monotonic()
        await until(all_sent, timeout=60, interval=0.5)
        print(
            f"\nNach 30 s ohne SMTP-Server: alle 51 Mails {time.monotonic() - started_at:.1f} s nach seiner Rückkehr zugestellt"
        )
        copies = Counter(m.recipient for m in smtp.mailbox.received if m.message["Subject"] == "[Aufruf] Rundbrief")
        assert copies == Counter({r: 1 for r in [*recipients, "kathrin@example.org"]})
    finally:
        stop(process)
        smtp.stop()
