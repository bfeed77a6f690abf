"""Memory: each service's resident set (RSS) when idle — all four started on one nats-server, no data, 2 s after
each answered its health check (the gateway: its HTTP health route)."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from bench.harness import healthy, nats, rss_mb, start
from beratungsnetz.runtime.ports import free_port
from shared.messaging.broker import make_broker, stop_quietly
from shared.settings import ServiceSettings

SERVICES = ("registry", "events", "notifications", "gateway")


async def gateway_answers(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            try:
                if (await http.get(f"http://127.0.0.1:{port}/api/v1/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("Speicher: das Gateway antwortet nicht")


async def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp, nats(Path(tmp)) as server:
        base, port = Path(tmp), free_port()
        settings = {
            "registry": {},
            "events": {"progress_reports": "false"},
            "notifications": {"secret_key": "x" * 40},
            "gateway": {"port": str(port)},
        }
        processes = {name: start(name, server.url, base, **settings[name]) for name in SERVICES}
        broker = make_broker(ServiceSettings(nats_url=server.url))
        await broker.connect()
        try:
            for name in ("registry", "events", "notifications"):
                await healthy(broker, processes[name])
            await gateway_answers(port)
            await asyncio.sleep(2)
            idle = {name: rss_mb(process.pid) for name, process in processes.items()}
        finally:
            for process in processes.values():
                process.stop()
            await stop_quietly(broker)
    return {"rss_idle_mb": idle}


if __name__ == "__main__":
    print(asyncio.run(run()))
