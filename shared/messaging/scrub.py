"""Erasure in a stream: every message that names a person is deleted with JetStream's secure erase.

A stream is an append-only log, so a person's address in an old event cannot be edited out; the message is deleted
instead, and the server overwrites its bytes in the store (`STREAM.MSG.DELETE` without `no_erase`). Whoever owns the
stream scrubs it (each service its own event stream and its own dead letters) after it published what restates the
affected records without the person, so that a replica rebuilt from the stream still ends in the live state.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime

from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from shared.logging import get_logger

log = get_logger(__name__)


def mentions(data: bytes, needles: list[bytes]) -> bool:
    """Whether `data` names one of `needles` (lower-cased bytes), in any case, also as JSON escapes it."""
    lowered = data.lower()
    return any(needle in lowered for needle in needles)


def needles_of(words: Iterable[str]) -> list[bytes]:
    """What to look for: each word as UTF-8 and as JSON writes it with `ensure_ascii` (\\u00fc for ü)."""
    found: list[bytes] = []
    for word in {w.strip().lower() for w in words if w and w.strip()}:
        found.append(word.encode())
        escaped = word.encode("ascii", "backslashreplace").replace(b"\\x", b"\\u00")
        if escaped != word.encode():
            found.append(escaped)
    return found


@dataclass(frozen=True)
class Found:
    """A stream message that names a person."""

    stream: str
    seq: int
    subject: str
    at: datetime | None


async def _naming(js: JetStreamContext, stream: str, needles: list[bytes], batch: int) -> AsyncIterator[Found]:
    """Each message of `stream` whose data or headers name one of `needles`, read once through an ephemeral consumer
    that acknowledges nothing (it changes no other consumer's position). A missing or empty stream yields nothing."""
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        return
    if not needles or not info.state.messages:
        return
    name = f"lesen-{uuid.uuid4().hex[:12]}"
    config = ConsumerConfig(
        name=name,
        ack_policy=AckPolicy.NONE,
        deliver_policy=DeliverPolicy.ALL,
        inactive_threshold=60.0,
        mem_storage=True,
    )
    await js.add_consumer(stream, config)
    try:
        sub = await js.pull_subscribe_bind(consumer=name, stream=stream)
        last, done = info.state.last_seq, False
        while not done:
            try:
                messages = await sub.fetch(batch, timeout=1)
            except NatsTimeoutError:
                break  # nothing more arrived: read to the end
            for msg in messages:
                meta = msg.metadata
                headers = "".join(f"{k}:{v}\n" for k, v in (msg.headers or {}).items()).encode()
                if mentions(msg.data, needles) or mentions(headers, needles):
                    yield Found(stream, meta.sequence.stream, msg.subject, meta.timestamp)
                done = done or meta.sequence.stream >= last or meta.num_pending == 0
        await sub.unsubscribe()
    finally:
        try:
            await js.delete_consumer(stream, name)
        except NotFoundError:
            pass


async def find_in_streams(js: JetStreamContext, streams: Iterable[str], words: Iterable[str]) -> list[Found]:
    """Every message of `streams` naming one of `words` (Art. 15: what the service's streams hold about a person)."""
    needles = needles_of(words)
    return [found for stream in streams async for found in _naming(js, stream, needles, 256)]


async def scrub_stream(js: JetStreamContext, stream: str, words: Iterable[str], *, batch: int = 256) -> int:
    """Securely delete every message of `stream` whose data or headers name one of `words`; the count deleted."""
    deleted = 0
    async for found in _naming(js, stream, needles_of(words), batch):
        await js.delete_msg(stream, found.seq)
        deleted += 1
    if deleted:
        log.info("stream.scrubbed", stream=stream, deleted=deleted)
    return deleted
