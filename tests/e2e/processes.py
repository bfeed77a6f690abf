"""Start services as their own processes against a test nats-server, and wait until they answer."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from shared.contracts import PRODUCERS
from shared.contracts.system import HealthRequest
from shared.messaging.rpc import ServiceUnavailable, request
from tests.support import test_start_text


def start_service(service: str, nats_url: str, tmp_path: Path, **settings: str) -> subprocess.Popen:
    prefix = f"BERATUNGSNETZ_{service.upper()}_"
    env = dict(
        os.environ,
        **{
            f"{prefix}{k.upper()}": v
            for k, v in {
                "nats_url": nats_url,
                "database_url": f"sqlite+aiosqlite:///{tmp_path / f'{service}.sqlite3'}",
                "environment": "test",
                "clock_start": test_start_text(),
                **settings,
            }.items()
        },
    )
    log = (tmp_path / f"{service}.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", f"services.{service}"], env=env, stdout=log, stderr=subprocess.STDOUT
    )


async def wait_healthy(broker, service: str, process: subprocess.Popen, timeout: float = 30) -> None:
    for _ in range(int(timeout / 0.2)):
        assert process.poll() is None, f"{service} hat sich beendet"
        try:
            if (await request(broker, PRODUCERS[service].HEALTH, HealthRequest(), timeout=0.5)).ok:
                return
        except ServiceUnavailable:
            await asyncio.sleep(0.2)
    raise AssertionError(f"{service} nicht rechtzeitig bereit")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
