"""Start the registry service as its own process against a test nats-server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from shared.contracts import registry
from shared.contracts.system import HealthRequest
from shared.messaging.rpc import ServiceUnavailable, request


def start_registry(nats_url: str, tmp_path: Path, **extra_env: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        BERATUNGSNETZ_REGISTRY_NATS_URL=nats_url,
        BERATUNGSNETZ_REGISTRY_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}",
        BERATUNGSNETZ_REGISTRY_ENVIRONMENT="test",
        **extra_env,
    )
    log = (tmp_path / "registry.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "services.registry"], env=env, stdout=log, stderr=subprocess.STDOUT)


async def wait_healthy(broker, process: subprocess.Popen, timeout: float = 30) -> None:  # noqa: ANN001
    for _ in range(int(timeout / 0.2)):
        assert process.poll() is None, "Register-Prozess beendet"
        try:
            if (await request(broker, registry.HEALTH, HealthRequest(), timeout=0.5)).ok:
                return
        except ServiceUnavailable:
            await asyncio.sleep(0.2)
    raise AssertionError("Register nicht rechtzeitig bereit")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
