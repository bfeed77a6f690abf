"""Read the registry's group events from the start of its stream (for rebuilding the replica)."""

from __future__ import annotations

from typing import Any

from nats.js.api import ConsumerConfig, DeliverPolicy

from shared.contracts import Envelope
from shared.contracts import registry as r

PAYLOADS = {
    p.subject: p
    for p in (r.GroupFormedV1, r.GroupRenamedV1, r.CoordinatorChangedV1, r.GroupsMergedV1, r.GroupDissolvedV1)
}


async def read_group_events(js: Any) -> list[tuple[Envelope, int]]:
    total = (await js.stream_info("REGISTRY")).state.last_seq
    sub = await js.pull_subscribe(
        "registry.group.>",
        stream="REGISTRY",
        config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, inactive_threshold=30),
    )
    found: list[tuple[Envelope, int]] = []
    try:
        while True:
            try:
                batch = await sub.fetch(200, timeout=1)
            except TimeoutError:
                break
            for msg in batch:
                await msg.ack()
                if msg.subject in PAYLOADS:
                    found.append(
                        (Envelope[PAYLOADS[msg.subject]].model_validate_json(msg.data), msg.metadata.sequence.stream)
                    )
            if batch and batch[-1].metadata.sequence.stream >= total:
                break
    finally:
        await sub.unsubscribe()
    return found
