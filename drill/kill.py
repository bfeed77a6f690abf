"""SIGKILL of each service at random moments during the mixed workload.

Rounds go through the services in blocks of four in a shuffled order (so each is killed equally
often); before each kill the drill waits a random moment. The killed service is started again at
once; its recovery time runs from the SIGKILL until it answers health again with every consumer
bound (the gateway: until its HTTP health answers).
"""

from __future__ import annotations

import asyncio
import random
import statistics
from pathlib import Path

from drill.conclude import conclude
from drill.result import Result, de, recorded, seconds
from drill.system import SERVICES, System
from drill.workload import Workload

TARGETS = (*SERVICES, "gateway")
BACKOFF = "[1, 2, 4, 8, 15]"
BIG_LIST = 300  # members of the list whose post by mail is being distributed when the mailing service is killed


async def run(base: Path, rounds: int, seed: int, moment: tuple[float, float] = (0.2, 1.2)) -> Result:
    result = Result("sigkill", f"SIGKILL je Dienst ({rounds} Runden)")
    system = System(base / "sigkill", settings={"notifications": {"retry_backoff_seconds": BACKOFF}})
    async with recorded(result, system):
        await system.start()
        workload = Workload(system, seed)
        await workload.setup()
        stop = asyncio.Event()
        load = asyncio.create_task(workload.run(stop))
        rng = random.Random(seed * 7919 + 1)
        recoveries: dict[str, list[float]] = {name: [] for name in TARGETS}
        block: list[str] = []
        for i in range(rounds):
            if i % len(TARGETS) == 0:
                block = rng.sample(TARGETS, len(TARGETS))
            await asyncio.sleep(rng.uniform(*moment))
            if load.done():
                break
            recoveries[block[i % len(TARGETS)]].append(await system.kill_and_restart(block[i % len(TARGETS)]))
        await asyncio.sleep(1)
        stop.set()
        await load  # raises if the client gave up
        # Issue 20: a post by mail to a big list, and the mailing service killed while it goes out.
        big_recovery = await workload.post_to_a_big_list_and_kill(BIG_LIST, after=BIG_LIST // 5)
        every = [x for xs in recoveries.values() for x in xs]
        await conclude(system, workload.ledger, result)
        result.figures["runden"] = len(every)
        result.figures["erholung_s"] = {k: [round(x, 3) for x in v] for k, v in recoveries.items()}
        result.recovery = (
            f"Median {seconds(statistics.median(every))}, max. {seconds(max(every))} je Kill; "
            f"eingeholt {seconds(result.figures['eingeholt_s'])} nach Lastende"
        )
        per_service = "; ".join(
            f"{k} {len(v)}× (Median {seconds(statistics.median(v))}, max. {seconds(max(v))})"
            for k, v in recoveries.items()
            if v
        )
        result.details.insert(
            0,
            f"Beitrag per Mail an {BIG_LIST} Mitglieder: der Verteiler-Dienst nach {BIG_LIST // 5} Kopien mit SIGKILL "
            f"beendet, wieder bereit nach {seconds(big_recovery)}",
        )
        result.details.insert(
            0,
            f"{len(every)} Kills, Zufallszahl {seed}, Wartezeit vor jedem Kill {de(moment[0], 1)}–{de(moment[1], 1)} s: {per_service}",
        )
        result.passed = result.lost == 0 and result.duplicates == 0 and len(every) == rounds
    return result
