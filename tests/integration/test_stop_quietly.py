"""Stopping a broker is bounded however the broker behaves: a teardown or a service's stop never hangs on it (here, not
in tests/unit: it imports the broker module, FastStream and nats-py)."""

from __future__ import annotations

import asyncio

import pytest
from nats.errors import ConnectionClosedError

from shared.messaging.broker import stop_quietly


class Connection:
    def __init__(self, close_hangs: bool = False) -> None:
        self.is_closed = False
        self.close_hangs = close_hangs

    async def close(self) -> None:
        if self.close_hangs:
            await _ignore_cancellation()
        self.is_closed = True


class Broker:
    def __init__(self, stop: str, close_hangs: bool = False) -> None:
        self.how = stop
        self._connection = Connection(close_hangs)
        self.stopped = False

    async def stop(self) -> None:
        if self.how == "hangs":
            await _ignore_cancellation()
        elif self.how == "nats-error":
            raise ConnectionClosedError
        elif self.how == "bug":
            raise ValueError("kaputt")
        self.stopped = True


RELEASE: list[asyncio.Event] = []


async def _ignore_cancellation() -> None:
    """A loop that swallows cancellation, as a subscriber's fetch loop may: it ends only when the test releases it."""
    release = asyncio.Event()
    RELEASE.append(release)
    while not release.is_set():
        try:
            await release.wait()
        except asyncio.CancelledError:
            continue


async def _release_all() -> None:
    while RELEASE:
        RELEASE.pop().set()
    await asyncio.sleep(0)


async def test_a_clean_stop_is_not_followed_by_a_close():
    broker = Broker("clean")
    await stop_quietly(broker, timeout=1)  # type: ignore[arg-type]
    assert broker.stopped and not broker._connection.is_closed


async def test_a_stop_that_swallows_its_cancellation_is_left_behind_and_the_connection_closed():
    broker = Broker("hangs")
    loop = asyncio.get_running_loop()
    started = loop.time()
    await stop_quietly(broker, timeout=0.05)  # type: ignore[arg-type]
    assert broker._connection.is_closed
    assert loop.time() - started < 5  # bounded: `asyncio.wait_for` would wait here for ever
    await _release_all()  # the abandoned stop would outlive the test otherwise


async def test_a_close_that_hangs_too_still_returns():
    broker = Broker("hangs", close_hangs=True)
    await stop_quietly(broker, timeout=0.05)  # type: ignore[arg-type]
    assert not broker._connection.is_closed
    await _release_all()


async def test_nats_already_gone_means_close_without_drain():
    broker = Broker("nats-error")
    await stop_quietly(broker, timeout=1)  # type: ignore[arg-type]
    assert broker._connection.is_closed


async def test_a_programming_error_is_not_swallowed():
    with pytest.raises(ValueError, match="kaputt"):
        await stop_quietly(Broker("bug"), timeout=1)  # type: ignore[arg-type]
