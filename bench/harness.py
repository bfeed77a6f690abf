"""Benchmark plumbing: a nats-server and service processes on free ports, RSS readings, percentiles."""

from __future__ import annotations

import os
import statistics
from contextlib import contextmanager
from pathlib import Path

from beratungsnetz.runtime.nats_server import NatsServer
from beratungsnetz.runtime.processes import ChildProcess, answers, service_process, wait_healthy
from shared.settings import TEST_SUITE_ENV

# The benchmarks run the services in the test environment, as the test suite does: the marker without which
# `ENVIRONMENT=test` is refused (shared/settings.py), inherited by the service processes started here.
os.environ[TEST_SUITE_ENV] = "1"


def start(service: str, nats_url: str, base: Path, **settings: str) -> ChildProcess:
    values = {
        "nats_url": nats_url,
        "database_url": f"sqlite+aiosqlite:///{base / service}.sqlite3",
        "environment": "test",
        "log_level": "WARNING",
        **settings,
    }
    process = service_process(service, values, base / f"{service}.log").start()
    if pids := os.environ.get("BENCH_PIDS"):  # for attaching a profiler (py-spy) from outside
        Path(pids, f"{service}.pid").write_text(str(process.pid))
    return process


async def healthy(broker, process: ChildProcess, timeout: float = 60) -> None:
    await wait_healthy([process], answers(broker, timeout=1), timeout, error=RuntimeError)


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
