"""Sending what is queued: each delivery row is marked sent right after the server accepted it.

Temporary failures (server away, 4xx) are retried with growing pauses; permanent ones (5xx) are
recorded with their reason, and for a list mail counted as a bounce of that membership (service_layer/bounces.py).
A row marked sent is never sent again, whatever restarts or redeliveries happen; the one gap left is a crash between
the server's "250" and that mark.

A list mail goes out with its member's VERP address as envelope sender (`Deps.return_path`): `send` is then called
with `return_path=`; any other mail, or a service without a mail domain, uses the sender the `send` was made with.

The marks are group-committed (`Marks`): whoever commits takes every mark that arrived meanwhile into the same
transaction; with several workers that is one commit for several mails instead of one each (SQLite has one
writer). Each of the `parallel` workers waits for its own mark before it sends its next row, so at most one mail
per worker is accepted and not yet marked: that is the gap a crash can turn into a second transmission.
(Tried and not kept: sending the next envelope while the mark commits. It made delivery about 12 % faster, but a
worker then held an unmarked mail for more of its time, and the kill drill showed more second transmissions.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from services.notifications.service_layer import bounces
from services.notifications.service_layer.ports import Deps
from shared.logging import get_logger

log = get_logger(__name__)

Send = Callable[..., Awaitable[None]]  # send(recipient, message[, return_path=...])
BACKOFF = (5, 15, 60, 300, 900, 3600)  # seconds before the n-th retry
MAX_ATTEMPTS = 12


class Temporary(Exception):
    """Sending failed but may work later (server away, 4xx): the row is tried again after a pause."""


class Permanent(Exception):
    """The server refused for good (5xx): the row is marked failed with the reason."""


class Marks:
    """Delivery outcomes written in as few transactions as possible, none later than its own send needs."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._waiting: list[tuple[int, dict, asyncio.Future]] = []
        self._writer = asyncio.Lock()

    async def write(self, delivery_id: int, values: dict) -> None:
        """Returns once this outcome is committed (possibly by another caller's transaction)."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((delivery_id, values, done))
        async with self._writer:
            if not done.done():
                batch, self._waiting = self._waiting, []
                try:
                    async with self.deps.uow() as uow:
                        await uow.store.mark_deliveries([(i, v) for i, v, _ in batch])
                        await uow.commit()
                except BaseException as exc:
                    for *_, waiting in batch:
                        if waiting is not done:  # the others learn of it; this caller raises it itself
                            waiting.set_exception(exc)
                    raise
                for *_, waiting in batch:
                    waiting.set_result(None)
        await done


async def _deliver(deps: Deps, send: Send, row, backoff: tuple[float, ...], marks: Marks) -> bool:  # noqa: ANN001
    """Sends one row and returns whether it was sent, once its outcome is committed."""
    tried = deps.now()
    verp = deps.return_path(row.list_id, row.recipient)
    refusal = None
    try:
        await (send(row.recipient, row.message, return_path=verp) if verp else send(row.recipient, row.message))
    except Permanent as exc:
        values = {"status": "failed", "last_error": str(exc)[:500], "attempts": row.attempts + 1}
        refusal = str(exc)
    except Temporary as exc:
        attempts = row.attempts + 1
        retry_in = timedelta(seconds=backoff[min(attempts, len(backoff)) - 1])
        values = {"attempts": attempts, "last_error": str(exc)[:500], "next_attempt_at": deps.now() + retry_in}
        if attempts >= MAX_ATTEMPTS:
            values["status"] = "failed"
            if str(exc)[:1] == "4":  # the recipient's server said "later" until we gave up: a soft bounce
                refusal = str(exc)
    else:
        values = {"status": "sent", "sent_at": deps.now(), "attempts": row.attempts + 1, "last_error": None}
    if refusal and row.list_id:  # refused for good, or 4xx until we gave up: a bounce of the membership
        async with deps.uow() as uow:  # rare: its own transaction, the mark and the bounce together
            await uow.store.mark_delivery(row.id, last_attempt_at=tried, **values)
            await bounces.refused(deps, uow, row.list_id, row.recipient, refusal, f"zustellung:{row.id}")
            await uow.commit()
    else:
        await marks.write(row.id, {"last_attempt_at": tried, **values})
    return values.get("status") == "sent"


async def deliver_due(
    deps: Deps, send: Send, batch: int = 200, parallel: int = 4, backoff: tuple[float, ...] = BACKOFF
) -> int:
    """Sends up to `batch` due rows over `parallel` workers; returns how many were sent, once all are marked."""
    async with deps.uow() as uow:
        rows = await uow.store.due_deliveries(deps.now(), batch)
    queue, marks = iter(rows), Marks(deps)

    async def worker() -> int:  # `queue` is shared by the workers: each row is taken once
        return sum([await _deliver(deps, send, row, backoff, marks) for row in queue])

    async with asyncio.TaskGroup() as workers:  # one failing stops the others: the rows left stay queued
        started = [workers.create_task(worker()) for _ in range(min(parallel, len(rows)))]
    return sum(task.result() for task in started)


async def run(
    deps: Deps,
    send: Send,
    poll_seconds: float,
    wake: asyncio.Event,
    parallel: int,
    backoff: tuple[float, ...] = BACKOFF,
) -> None:
    while True:
        try:
            if await deliver_due(deps, send, parallel=parallel, backoff=backoff):
                continue
        except Exception as exc:  # database busy or similar: the rows stay queued  # noqa: BLE001 - any failure here is logged and retried, never lost
            log.warning("delivery.failed", error=repr(exc))
        try:
            await asyncio.wait_for(wake.wait(), poll_seconds)
        except TimeoutError:
            pass
        wake.clear()
