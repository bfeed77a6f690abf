"""Asks the owning services over NATS; the gateway keeps no state and no rules of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from shared.contracts import PRODUCERS
from shared.contracts.system import HealthReply, HealthRequest
from shared.messaging.rpc import ServiceUnavailable, request

BACKEND_SERVICES = ("registry", "notifications", "events")


# Imports and rebuilds may take longer than an ordinary request; everything else answers within `timeout`.
SLOW = {
    "registry.cmd.import_offices",
    "events.cmd.import_work_plan",
    "events.cmd.rebuild_groups",
    "notifications.cmd.post",
}


class ServiceClient:
    def __init__(self, broker: Any, timeout: float, slow_timeout: float = 60.0) -> None:
        self.broker, self.timeout, self.slow_timeout = broker, timeout, slow_timeout

    async def health(self, service: str) -> HealthReply | None:
        try:
            reply = await request(self.broker, PRODUCERS[service].HEALTH, HealthRequest(), timeout=self.timeout)
        except ServiceUnavailable:
            return None
        return reply.data

    async def ask(self, spec: Any, payload: Any, actor: str | None = None) -> Any:
        """Ask the owning service; ServiceUnavailable if it does not answer within the timeout."""
        timeout = self.slow_timeout if spec.subject in SLOW else self.timeout
        return await request(self.broker, spec, payload, timeout=timeout, actor=actor)

    async def ask_with_progress(
        self, spec: Any, payload: Callable[[str], Any], on_progress: Callable[[bytes], None], actor: str | None = None
    ) -> Any:
        """Ask like `ask`, giving the service a subject of its own for progress messages while it works:
        `payload(subject)` builds the request, `on_progress` gets each message's body as it arrives."""
        connection = self.broker.connection
        subject = connection.new_inbox()

        async def deliver(message: Any) -> None:
            on_progress(message.data)

        subscription = await connection.subscribe(subject, cb=deliver)
        try:
            return await self.ask(spec, payload(subject), actor=actor)
        finally:
            await subscription.unsubscribe()

    async def health_of_all(self) -> dict[str, HealthReply | None]:
        replies = await asyncio.gather(*(self.health(s) for s in BACKEND_SERVICES))
        return dict(zip(BACKEND_SERVICES, replies, strict=True))
