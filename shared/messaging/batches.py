"""A fetch loop of our own for consumers that apply a fetched batch in one transaction (`apply_many`).

FastStream hands each message of a fetch to its own handler call (middlewares, context, decoding, dependency
injection: about 40 % of the busy event loop when action planning caught up, BENCHMARKS.md) and fetches the next
batch only after the last call returned. Here one loop per durable:

- the next fetch is in flight while the current batch is applied;
- a batch is decoded in one call (a pydantic `TypeAdapter` over the list of bodies);
- the new messages are applied together by `apply_many` (the inbox claims them in the same transaction), then
  acknowledged together: one write to the server for the whole batch.

The delivery rules stay those of `EventConsumer`: a body that is no envelope goes to the dead letters with its
reason; if the batch fails, each of its messages is handled alone (retried with a growing delay, dead-lettered when
exhausted or permanently failing); a redelivered message is always handled alone.

Acks stay explicit, one per message, sent in one write. `AckPolicy.ALL` (one ack for everything up to a sequence)
would swallow the delayed NAK of a failed message behind a later ack, and an existing durable's ack policy cannot be
changed in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from nats.errors import ConnectionClosedError
from nats.errors import TimeoutError as NatsTimeout
from nats.js.errors import FetchTimeoutError, ServiceUnavailableError
from pydantic import Json, TypeAdapter, ValidationError

from shared.logging import get_logger
from shared.messaging.consumer import EventConsumer

log = get_logger(__name__)

QUIET = (asyncio.TimeoutError, NatsTimeout, FetchTimeoutError)  # nothing to fetch within the fetch timeout
GONE = (ConnectionClosedError, ServiceUnavailableError)  # reconnecting, or the server has no leader yet


class BatchLoop:
    """Fetch, decode, apply and acknowledge the batches of one durable consumer, one fetch ahead."""

    def __init__(self, consumer: EventConsumer, broker: Any) -> None:
        self.consumer, self.broker = consumer, broker
        self.policy = consumer.policy
        self.decoder = TypeAdapter(list[Json[consumer.model]])  # type: ignore[name-defined]
        self.subscription: Any = None
        self._task: asyncio.Task | None = None
        self._ahead: asyncio.Task | None = None
        self.batches = 0  # batches applied together (for tests and benchmarks)
        self._busy = True

    async def start(self) -> None:
        c = self.consumer
        js = self.broker.connection.jetstream()
        self.subscription = await js.pull_subscribe(
            c.subject,
            durable=c.durable,
            stream=c.stream.name,
            config=self.policy.consumer_config(c.durable, c.subject),
            inbox_prefix=f"{c.inbox}.".encode(),
        )
        self._task = asyncio.create_task(self.run(), name=f"{c.durable}-fetch")

    async def stop(self) -> None:
        """End the loop; a fetched batch not yet applied is handed back at once (NAK) instead of after `ack_wait`."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        if self.subscription is not None:
            with contextlib.suppress(Exception):
                await self.subscription.unsubscribe()
            self.subscription = None

    async def run(self) -> None:
        ahead, current = self._fetch_ahead(), []
        try:
            while True:
                # Shielded: a stop must not cancel a fetch under way, or its pull request would stay on the server and
                # the messages it still delivers would sit unacknowledged until ack_wait.
                current, fetched_at = await asyncio.shield(ahead)
                ahead = self._fetch_ahead()  # the next batch travels while this one is applied
                if current:
                    await self.apply(current, fetched_at)
                current = []
        finally:
            with contextlib.suppress(Exception):  # the fetch ends by itself within fetch_timeout
                unapplied, _ = await asyncio.wait_for(ahead, self.policy.fetch_timeout + 1)
                current = [*current, *unapplied]
            with contextlib.suppress(Exception):  # a closed connection: the server redelivers after ack_wait instead
                for msg in current:
                    if not msg._ackd:  # nats-py marks acked, NAKed and terminated messages alike
                        await msg.nak()

    def _fetch_ahead(self) -> asyncio.Task:
        return asyncio.create_task(self._fetch())

    async def _fetch(self) -> tuple[list[Any], float]:
        # Idle, ask for one: nats-py's fetch of n waits out its timeout for the rest once a lingering pull got the
        # first, so a lone new event would wait up to `fetch_timeout`. Busy, the next fetch takes what is there.
        size = self.policy.batch_size if self._busy else 1
        try:
            messages = await self.subscription.fetch(size, timeout=self.policy.fetch_timeout)
        except QUIET:
            self._busy = False
            return [], time.monotonic()
        except GONE as exc:  # nats-py reconnects by itself; wait a moment instead of spinning
            log.info("fetch.waiting", error=repr(exc), durable=self.consumer.durable)
            await asyncio.sleep(self.policy.fetch_timeout)
            return [], time.monotonic()
        self._busy = True
        return messages, time.monotonic()

    async def apply(self, messages: list[Any], fetched_at: float) -> None:
        c = self.consumer
        if time.monotonic() - fetched_at > self.policy.ack_wait * 0.2:  # waited behind a slow batch: restart the clock
            for msg in messages:
                await msg.in_progress()
        decoded = await self.decode(messages)
        metas = [msg.metadata for msg, _ in decoded]
        fresh = [(msg, env, meta) for (msg, env), meta in zip(decoded, metas, strict=True) if meta.num_delivered == 1]
        alone = [(msg, env, meta) for (msg, env), meta in zip(decoded, metas, strict=True) if meta.num_delivered > 1]
        if fresh:
            try:
                batch = [(env, meta.sequence.stream) for _, env, meta in fresh]
                await asyncio.wait_for(c.apply_many(batch), self.policy.handler_timeout)
            except Exception as exc:  # noqa: BLE001 - each message now alone, so a bad one meets its own fate
                log.warning("message.batch_failed", error=repr(exc), size=len(fresh), durable=c.durable)
                alone = sorted(fresh + alone, key=lambda item: item[2].sequence.stream)
            else:
                for msg, _, _ in fresh:
                    await msg.ack()  # buffered by nats-py: one write for the batch
                self.batches += 1
                c.failing = None
        for msg, env, meta in alone:
            await c.handle_alone(msg, env, meta)

    async def decode(self, messages: list[Any]) -> list[tuple[Any, Any]]:
        """The envelopes of `messages`, decoded in one call; a body that is none goes to the dead letters."""
        try:
            return list(zip(messages, self.decoder.validate_python([m.data for m in messages]), strict=True))
        except ValidationError:
            pass
        decoded = []
        for msg in messages:  # only for a batch with a bad body: find it, and keep the others
            try:
                decoded.append((msg, self.consumer.model.model_validate_json(msg.data)))
            except ValidationError as exc:
                await self.consumer.dead_letter(msg, "invalid_message", self.consumer.invalid(exc))
        return decoded
