"""The SMTP server away for 30 s while the workload keeps producing mail.

The sink (its own process) is stopped a few seconds into the workload and started again on the same
port 30 s later. Meanwhile notifications keeps the mails queued and retries with growing pauses
(RETRY_BACKOFF_SECONDS, here 1, 2, 4, 8, 15 s). Recovery runs from the sink's return until no mail is
queued any more.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from drill.conclude import conclude
from drill.kill import BACKOFF
from drill.result import Result, recorded, seconds
from drill.system import SERVICES, System
from drill.workload import Workload
from shared.contracts import notifications as n
from shared.messaging.rpc import request

OUTAGE = 30.0


async def queued(system: System) -> tuple[int, int, int]:
    stats = (await request(system.broker, n.DELIVERY_STATS, n.StatsQuery(), timeout=10)).data
    return stats.pending, stats.sent, stats.failed


async def run(base: Path, seed: int) -> Result:
    result = Result("smtp", "SMTP-Server 30 s weg")
    system = System(base / "smtp", services=SERVICES, settings={"notifications": {"retry_backoff_seconds": BACKOFF}})
    async with recorded(result, system):
        await system.start()
        assert system.sink is not None
        workload = Workload(system, seed + 2)
        await workload.setup()
        stop = asyncio.Event()
        load = asyncio.create_task(workload.run(stop))
        await asyncio.sleep(3)
        system.sink.stop()
        away = time.monotonic()
        await asyncio.sleep(OUTAGE - 5)
        stop.set()  # the last 5 s without new load: what is queued must wait for the server
        await load
        await asyncio.sleep(max(0.0, OUTAGE - (time.monotonic() - away)))
        pending, sent, failed = await queued(system)
        system.sink.start()
        back = time.monotonic()
        result.details.append(
            f"SMTP-Senke {seconds(back - away)} weg; bei ihrer Rückkehr {pending} Mails in der Warteschlange, "
            f"{failed} aufgegeben"
        )
        while (await queued(system))[0]:
            if time.monotonic() - back > 120:
                raise RuntimeError("Nach 120 s sind noch Mails in der Warteschlange")
            await asyncio.sleep(0.1)
        delivered = time.monotonic() - back
        await conclude(system, workload.ledger, result, settle_label="nach der Zustellung des Rückstands")
        result.figures |= {
            "ausfall_s": round(back - away, 2),
            "wartend_bei_rueckkehr": pending,
            "aufgegeben_bei_rueckkehr": failed,
            "zugestellt_nach_s": round(delivered, 2),
        }
        result.recovery = f"alle wartenden Mails {seconds(delivered)} nach Rückkehr des Servers zugestellt"
        result.passed = result.lost == 0 and result.duplicates == 0 and failed == 0 and pending > 0
    return result
