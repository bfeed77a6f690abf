"""NATS restarted mid-run: while the workload runs, nats-server is stopped, once with SIGTERM and once
with SIGKILL, and started again on the same port with the same JetStream store after a short outage.

Recovery runs from the restart of nats-server (including its own start-up) until every service
answers health again, connected and consuming, and the gateway's readiness check reaches all of them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

from drill.conclude import conclude
from drill.kill import BACKOFF, TARGETS
from drill.result import Result, de, recorded, seconds
from drill.system import System
from drill.workload import Workload

OUTAGE = 3.0  # seconds without NATS
LOAD_BETWEEN = 6.0


async def all_ready(system: System, timeout: float = 120) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if all([await system.ready(name) for name in system.services]) and await gateway_reaches_services(system):
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    raise RuntimeError(f"Nach dem NATS-Neustart nicht alle Dienste binnen {timeout:.0f} s bereit")


async def gateway_reaches_services(system: System) -> bool:
    assert system.http is not None
    try:
        return (await system.http.get("/api/v1/ready", timeout=3)).status_code == 200
    except Exception:  # noqa: BLE001 - not yet
        return False


async def run(base: Path, seed: int) -> Result:
    result = Result("nats", "NATS-Neustart mitten im Lauf (SIGTERM, SIGKILL)")
    system = System(base / "nats", services=TARGETS, settings={"notifications": {"retry_backoff_seconds": BACKOFF}})
    async with recorded(result, system):
        await system.start()
        workload = Workload(system, seed + 1)
        await workload.setup()
        stop = asyncio.Event()
        load = asyncio.create_task(workload.run(stop))
        recoveries: list[tuple[str, float]] = []
        for how in ("SIGTERM", "SIGKILL"):
            await asyncio.sleep(LOAD_BETWEEN)
            before = workload.ledger.acknowledged
            process = system.nats.process
            assert process is not None
            if how == "SIGKILL":
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
            else:
                await asyncio.to_thread(system.nats.stop)
            await asyncio.sleep(OUTAGE)
            restarted = time.monotonic()
            system.nats.start()  # in the main thread: its child must not die with a worker thread (PDEATHSIG)
            await all_ready(system)
            recoveries.append((how, time.monotonic() - restarted))
            result.details.append(
                f"NATS per {how} beendet, {de(OUTAGE, 0)} s später neu gestartet (gleicher Port, gleiche Ablage); "
                f"alle Dienste nach {seconds(recoveries[-1][1])} wieder verbunden und bereit; zwischen Halt "
                f"und Bereitschaft {workload.ledger.acknowledged - before} Befehle bestätigt"
            )
        await asyncio.sleep(LOAD_BETWEEN)
        stop.set()
        await load
        await conclude(system, workload.ledger, result)
        result.figures["wieder_bereit_s"] = {how: round(s, 3) for how, s in recoveries}
        result.recovery = (
            ", ".join(f"{how}: {seconds(s)}" for how, s in recoveries) + " bis alle bereit; "
            f"eingeholt {seconds(result.figures['eingeholt_s'])} nach Lastende"
        )
        result.passed = result.lost == 0 and result.duplicates == 0
    return result
