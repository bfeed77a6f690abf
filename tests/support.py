"""Helpers shared by the test suites (fixtures live in conftest.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from shared.clock import Clock, parse_instant

if TYPE_CHECKING:  # imported where used: tests/conftest.py imports this module, and `pytest tests/unit` stays light
    from shared.retry import RetryPolicy

POSTGRES_ENV = "BERATUNGSNETZ_TEST_POSTGRES_URL"
TODAY_ENV = "BERATUNGSNETZ_TEST_TODAY"
DEFAULT_TODAY = "2026-11-29"  # tests never read the wall clock; `make test-dates` runs them on other days


STRICT_ENV = "BERATUNGSNETZ_TEST_STRICT"  # set by .ci/run: a missing prerequisite fails instead of skipping
ROOT = Path(__file__).resolve().parent.parent
BRIEF = ROOT.parent / "shared"  # the team's brief beside the checkout (seeds, reference data), not the kernel


def missing(reason: str) -> NoReturn:
    """Skip for lack of something outside the project (German reason); in CI (`STRICT_ENV`) fail instead."""
    if os.environ.get(STRICT_ENV):
        pytest.fail(f"{reason} – in CI ({STRICT_ENV}) muss das vorhanden sein", pytrace=False)
    pytest.skip(reason)


def brief_file(relative: str) -> Path:
    """A file of the team's brief beside the checkout; absent in a plain clone."""
    path = BRIEF / relative
    if not path.is_file():
        missing(f"Referenzdaten des Teams fehlen ({path} liegt nicht neben dem Checkout)")
    return path


def test_start_text() -> str:
    """The instant every test's clock starts at: `BERATUNGSNETZ_TEST_TODAY` (a date or ISO instant)."""
    return os.environ.get(TODAY_ENV) or DEFAULT_TODAY


def test_clock() -> Clock:
    return Clock(parse_instant(test_start_text()))


# Helpers, not tests: a module that imports them must not have pytest collect them.
test_start_text.__test__ = False  # type: ignore[attr-defined]
test_clock.__test__ = False  # type: ignore[attr-defined]


def retry_policy(**changes: float) -> RetryPolicy:
    """The retry policy of the settings' defaults; `changes` for a test that must not wait as long."""
    from shared.settings import ServiceSettings  # imported here: see TYPE_CHECKING above

    return dataclasses.replace(ServiceSettings().retry(), **changes)


def postgres_url() -> str | None:
    """The test PostgreSQL from the environment, with the asyncpg driver."""
    raw = os.environ.get(POSTGRES_ENV)
    if not raw:
        return None
    from sqlalchemy.engine import make_url  # imported here: the unit suite needs no SQLAlchemy

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


async def stream_messages(js: Any, stream: str) -> list[Any]:
    """Every message still in `stream`, by sequence number (deleted ones are skipped; an empty stream has none)."""
    from nats.js.errors import NotFoundError  # imported here: the unit suite imports this module without nats

    info = await js.stream_info(stream)
    found = []
    for seq in range(max(info.state.first_seq, 1), info.state.last_seq + 1) if info.state.messages else ():
        try:
            found.append(await js.get_msg(stream, seq))
        except NotFoundError:  # a deleted sequence number
            continue
    return found
