"""B3 latency: "plan an action with invitations" until the invitation mail is accepted by the SMTP sink.

Registry, action planning and notifications run as their own processes; the sink (aiosmtpd) runs in
another process and notes the time it accepted each mail. Per action the clock starts before the
"plan action" command and stops when the sink accepted the invitation to the invited group's list:
command → outbox → relay → JetStream → notifications' consumer → queued mail → SMTP pool → sink.
Actions start every `interval` seconds (open loop), so one slow action does not hide the next ones.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.harness import healthy, nats, percentiles, rss_mb, start
from beratungsnetz.runtime.ports import free_port
from drill.sink import Sink
from shared.contracts import events as e
from shared.contracts import registry as r
from shared.messaging.broker import make_broker, stop_quietly
from shared.messaging.rpc import request
from shared.settings import ServiceSettings

WARM_UP = 20


async def ask(broker, spec, payload, timeout: float = 30):
    reply = await request(broker, spec, payload, timeout=timeout, actor="bench")
    if not reply.ok:
        raise RuntimeError(reply.error)
    return reply.data


async def until(check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"B3: nicht innerhalb von {timeout} s: {check.__name__}")
        await asyncio.sleep(0.05)


async def run(count: int, interval: float = 0.05) -> dict:
    with tempfile.TemporaryDirectory() as tmp, nats(Path(tmp)) as server:
        base = Path(tmp)
        sink = Sink(free_port(), base / "mails.tsv", base / "sink.log").start()
        mail = {"smtp_port": str(sink.port), "secret_key": "x" * 40}
        processes = [
            start("registry", server.url, base),
            start("events", server.url, base, progress_reports="false"),
            start("notifications", server.url, base, **mail),
        ]
        broker = make_broker(ServiceSettings(nats_url=server.url))
        await broker.connect()
        try:
            for process in processes:
                await healthy(broker, process)
            await asyncio.sleep(2)
            idle = {
                name: rss_mb(p.pid) for name, p in zip(("registry", "events", "notifications"), processes, strict=True)
            }
            organiser = await ask(
                broker,
                r.FORM_GROUP,
                r.FormGroup(
                    name="Vogtland", state="SN", coordinator=r.Coordinator(name="Kathrin", email="kathrin@example.org")
                ),
            )
            invited = await ask(
                broker,
                r.FORM_GROUP,
                r.FormGroup(
                    name="Erzgebirge",
                    state="SN",
                    coordinator=r.Coordinator(name="Wolfgang", email="wolfgang@example.org"),
                ),
            )

            async def groups_known() -> bool:
                known = {g.group_id for g in (await ask(broker, e.GROUPS, e.GroupsQuery())).groups}
                welcomed = any(recipient == "wolfgang@example.org" for recipient, _, _ in sink.lines())
                return welcomed and {organiser.group_id, invited.group_id} <= known

            await until(groups_known, 30)
            started: dict[str, float] = {}

            async def plan(i: int) -> None:
                title = f"Zahltag {i:04d}"
                started[title] = time.time()
                day = datetime(2027, 1, 4, 9) + timedelta(days=i)
                planned = await ask(
                    broker,
                    e.PLAN_ACTION,
                    e.PlanAction(
                        organiser_group_id=organiser.group_id,
                        kind="zahltag",
                        title=title,
                        job_centre="Jobcenter Plauen",
                        start=day,
                        end=day + timedelta(hours=2),
                        responsible=["Kathrin"],
                    ),
                )
                await ask(
                    broker,
                    e.INVITE_GROUPS,
                    e.InviteGroups(action_id=planned.action.action_id, group_ids=[invited.group_id]),
                )

            tasks = []
            for i in range(count + WARM_UP):
                tasks.append(asyncio.create_task(plan(i)))
                await asyncio.sleep(interval)
            await asyncio.gather(*tasks)

            def accepted() -> dict[str, float]:
                found = {}
                for at, recipient, _mid, subject in sink.timed_lines():
                    if recipient == "wolfgang@example.org" and subject.startswith("Einladung: Zahltag "):
                        found.setdefault(subject.split(" ")[2], at)
                return found

            async def all_accepted() -> bool:
                return len(accepted()) >= count + WARM_UP

            await until(all_accepted, 120)
            got = accepted()
        finally:
            for process in processes:
                process.stop()
            await stop_quietly(broker)
            sink.stop()
    latencies = [(got[title.split(" ")[1]] - at) * 1000 for title, at in sorted(started.items())[WARM_UP:]]
    return {
        "n": len(latencies),
        "interval_ms": interval * 1000,
        **percentiles(latencies),
        "max": max(latencies),
        "rss_idle_mb": idle,
    }


if __name__ == "__main__":
    print(asyncio.run(run(200)))
