"""Read the registry's group events from the start of its stream (for rebuilding the replica)."""

from __future__ import annotations

import asyncio
from typing import Any

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from shared.contracts import Envelope
from shared.contracts import registry as r

REBUILD_READER = "events__replikat_neu"  # its name and filter are in the events user's NATS rights (deploy/nats)
GROUP_EVENTS = "registry.group.>"
_one_at_a_time = asyncio.Lock()  # one name: two rebuilds at once would share (and split) the reader's messages

PAYLOADS = {
    p.subject: p
    for p in (r.GroupFormedV1, r.GroupRenamedV1, r.CoordinatorChangedV1, r.GroupsMergedV1, r.GroupDissolvedV1)
}


async def read_group_events(js: Any) -> list[tuple[Envelope, int]]:
    """Every group event of the registry's stream, with its sequence, read once from the start through the named
    reader this service may create (and nothing else of that stream); one rebuild at a time."""
    async with _one_at_a_time:
        await _drop_reader(js)  # a reader a crash left behind would go on from where it stopped
        total = (await js.stream_info("REGISTRY")).state.last_seq
        config = ConsumerConfig(
            name=REBUILD_READER,
            filter_subject=GROUP_EVENTS,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.NONE,
            inactive_threshold=30,
        )
        await js.add_consumer("REGISTRY", config)
        found: list[tuple[Envelope, int]] = []
        try:
            sub = await js.pull_subscribe_bind(consumer=REBUILD_READER, stream="REGISTRY")
            try:
                while total:
                    try:
                        batch = await sub.fetch(200, timeout=1)
                    except TimeoutError:
                        break
                    for msg in batch:
                        if msg.subject in PAYLOADS:
                            envelope = Envelope[PAYLOADS[msg.subject]].model_validate_json(msg.data)
                            found.append((envelope, msg.metadata.sequence.stream))
                    if batch and (batch[-1].metadata.sequence.stream >= total or batch[-1].metadata.num_pending == 0):
                        break
            finally:
                await sub.unsubscribe()
        finally:
            await _drop_reader(js)
        return found


async def _drop_reader(js: Any) -> None:
    try:
        await js.delete_consumer("REGISTRY", REBUILD_READER)
    except NotFoundError:
        pass
