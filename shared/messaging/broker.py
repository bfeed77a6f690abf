"""The one place a FastStream `NatsBroker` is built; nothing connects until `start()`."""

from __future__ import annotations

import asyncio
from asyncio import CancelledError
from collections.abc import Awaitable

from faststream.nats import NatsBroker, NatsUserPassword
from nats.errors import Error as NatsError
from nats.errors import NoServersError

from shared.logging import get_logger
from shared.retry import RetryPolicy
from shared.settings import ServiceSettings

log = get_logger(__name__)


def inbox_prefix(user: str) -> str:
    """Where a NATS user's replies arrive (requests, JetStream API, pulled messages): only that user may subscribe
    there (deploy/nats/accounts.conf), so no other service can read its replies."""
    return f"_INBOX_{user}"


def make_broker(settings: ServiceSettings) -> NatsBroker:
    options: dict = {}
    if settings.nats_user:
        password = settings.nats_password.get_secret_value() if settings.nats_password else ""
        options["security"] = NatsUserPassword(settings.nats_user, password)
        options["inbox_prefix"] = inbox_prefix(settings.nats_user)
    return NatsBroker(
        [url.strip() for url in settings.nats_url.split(",") if url.strip()],
        allow_reconnect=True,
        max_reconnect_attempts=-1,  # a NATS outage delays the service, it never ends it
        reconnect_time_wait=1,
        connect_timeout=2,
        logger=None,
        **options,
    )


async def start_with_retry(broker: NatsBroker, *, retry: RetryPolicy, connect_only: bool = False) -> None:
    """Connect (and start) the broker, waiting for NATS if it is not up yet (as after a reboot)."""
    async for attempt in retry.forever(NoServersError, OSError, TimeoutError, event="nats.unreachable"):
        with attempt:
            try:
                await (broker.connect() if connect_only else broker.start())
            except (NoServersError, OSError, TimeoutError):
                await broker.stop()
                raise


async def stop_quietly(broker: NatsBroker, timeout: float = 5.0) -> None:
    """Drain and close within `timeout`; if NATS is already gone there is nothing left to drain, so don't wait for it.

    Bounded however the broker behaves: `asyncio.wait_for` would wait for a cancelled `stop()` to finish, and a
    subscriber loop that swallows the cancellation would keep a service (or a test's teardown) from ever stopping.
    """
    if not await _within(broker.stop(), timeout, "nats.stop_without_drain"):
        connection = getattr(broker, "_connection", None)
        if connection is not None and not connection.is_closed:
            await _within(connection.close(), timeout, "nats.close_abandoned")


async def _within(step: Awaitable[object], timeout: float, event: str) -> bool:
    """Run `step` for at most `timeout` seconds; False (logged as `event`) if it failed with a NATS or network
    error or did not end. A step that does not end is cancelled and left behind, never waited for."""
    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if not done:
        task.cancel()
        log.warning(event, error=f"nach {timeout:g} s nicht beendet")
        return False
    error = CancelledError() if task.cancelled() else task.exception()
    if error is None:
        return True
    if not isinstance(error, (NatsError, OSError, TimeoutError, CancelledError)):
        raise error
    log.info(event, error=repr(error))
    return False
