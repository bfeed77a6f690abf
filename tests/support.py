"""Helpers shared by the test suites (fixtures live in conftest.py)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable

from sqlalchemy.engine import make_url

POSTGRES_ENV = "BERATUNGSNETZ_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    """The test PostgreSQL from the environment, with the asyncpg driver."""
    raw = os.environ.get(POSTGRES_ENV)
    if not raw:
        return None
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+asyncpg")
    return url.render_as_string(hide_password=False)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0, interval: float = 0.05) -> None:
    """Wait until `check()` holds; fail with the last state otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(interval)
    raise AssertionError(f"Bedingung nicht innerhalb von {timeout}s erfüllt: {check.__name__}")
