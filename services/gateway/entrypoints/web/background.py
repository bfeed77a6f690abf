"""Work a public form starts after it has answered: the answer must not tell whether an address is known.

The subscribe form, the sign-in request and the "Meine Verteiler" link request answer the same fixed page for every
address and leave what depends on the address (is it a member, does it hold a role, was it erased) to a task here.
A refusal or an unreachable service is logged, by a fingerprint of the address and never the address; nothing else
happens: the person sees no mail and asks again (the page says so). When the gateway stops, running tasks are given a
few seconds to finish.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from shared import privacy
from shared.logging import get_logger
from shared.messaging.rpc import ServiceUnavailable

log = get_logger(__name__)


def address_key(address: str, secret: str) -> str:
    """What a log line names instead of the address: the start of its keyed fingerprint (shared.privacy)."""
    return privacy.fingerprint(address, secret.encode())[:16]


class Background:
    """Tasks started by requests, held until done (asyncio keeps only weak references to tasks)."""

    def __init__(self) -> None:
        self.running: set[asyncio.Task] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.running.add(task)
        task.add_done_callback(self.running.discard)

    async def settle(self, timeout: float = 5.0) -> None:
        """Wait until every task started so far has finished (at most `timeout` seconds)."""
        if self.running:
            await asyncio.wait(set(self.running), timeout=timeout)


async def ask_quietly(client: Any, spec: Any, payload: Any, event: str, key: str) -> None:
    """Ask `spec` in the background: a refusal or an unreachable service is logged under `event` with `key`."""
    try:
        reply = await client.ask(spec, payload)
        if not reply.ok:
            log.warning(f"{event}_refused", fingerabdruck=key, code=reply.error.code)
    except ServiceUnavailable:
        log.warning(f"{event}_unavailable", fingerabdruck=key)
    except Exception:  # a background task has nobody to raise to: log it
        log.exception(f"{event}_failed", fingerabdruck=key)
