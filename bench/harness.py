"""Benchmark plumbing: a nats-server and service processes on free ports, RSS readings, percentiles."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from beratungsnetz.runtime.nats_server import NatsServer
from shared.contracts import PRODUCERS
from shared.contracts.system import HealthRequest
from shared.messaging.rpc import ServiceUnavailable, request


def start(service: str, nats_url: str, base: Path, **settings: str) -> subprocess.Popen:
    prefix = f"BERATUNGSNETZ_{service.upper()}_"
    values = {
        "nats_url": nats_url,
        "database_url": f"sqlite+aiosqlite:///{base / service}.sqlite3",
        "environment": "test",
        "log_level": "WARNING",
        **settings,
    }
    env = dict(os.environ, **{f"{prefix}{k.upper()}": v for k, v in values.items()})
    process = subprocess.Popen(
        [sys.executable, "-m", f"services.{service}"],
        env=env,
        stdout=(base / f"{service}.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    if pids := os.environ.get("BENCH_PIDS"):  # for attaching a profiler (py-spy) from outside
        Path(pids, f"{service}.pid").write_text(str(process.pid))
    return process


async def healthy(broker, service: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (await request(broker, PRODUCERS[service].HEALTH, HealthRequest(), timeout=1)).ok:
                return
        except ServiceUnavailable:
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{service} nicht bereit")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "mean": statistics.fmean(ordered)}


@contextmanager
def nats(base: Path):
    server = NatsServer(base / "nats").start()
    try:
        yield server
    finally:
        server.stop()


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
