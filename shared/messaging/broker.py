"""The one place a FastStream `NatsBroker` is built; nothing connects until `start()`."""

from __future__ import annotations

import asyncio

from faststream.nats import NatsBroker, NatsUserPassword
from nats.errors import Error as NatsError
from nats.errors import NoServersError

from shared.logging import get_logger
from shared.retry import RetryPolicy
from shared.settings import ServiceSettings

log = get_logger(__name__)


def make_broker(settings: ServiceSettings) -> NatsBroker:
    options: dict = {}
    if settings.nats_user:
        password = settings.nats_password.get_secret_value() if settings.nats_password else ""
        options["security"] = NatsUserPassword(settings.nats_user, password)
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
    """Drain and close; if NATS is already gone there is nothing left to drain, so don't wait for it."""
    try:
        await asyncio.wait_for(broker.stop(), timeout)
    except (NatsError, OSError, TimeoutError) as exc:
        log.info("nats.stop_without_drain", error=repr(exc))
        connection = getattr(broker, "_connection", None)
        if connection is not None and not connection.is_closed:
            await connection.close()
