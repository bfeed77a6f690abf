"""Erasure in a stream (shared/messaging/scrub.py) on a real nats-server: every message naming the person is gone,
through the API and in the server's store files on disk, and nothing else is touched."""

from __future__ import annotations

import json

import nats
from nats.js.api import StorageType, StreamConfig

from shared.messaging.scrub import needles_of, scrub_stream
from tests.support import stream_messages

ADDRESS = "Jana.Zuerich@Example.org"
NAME = "Jana Zürich"


def stored_bytes(nats_server) -> bytes:
    return b"".join(p.read_bytes() for p in (nats_server.store_dir).rglob("*") if p.is_file())


async def test_messages_naming_the_person_are_erased_from_the_stream_and_its_files(nats_server):
    client = await nats.connect(nats_server.url)
    try:
        js = client.jetstream()
        await js.add_stream(StreamConfig(name="PROBE", subjects=["probe.>"], storage=StorageType.FILE))
        payloads = [
            {"group": "Vogtland", "coordinator": {"name": "Wolfgang", "email": "wolfgang@example.org"}},
            {"group": "Plauen", "coordinator": {"name": NAME, "email": ADDRESS.lower()}},  # address, lower case
            {"group": "Zwickau", "note": "Grüße von jana zürich"},  # the name only, in another case
            {"group": "Chemnitz", "coordinator": {"name": "Anna", "email": "anna@example.org"}},
        ]
        for i, payload in enumerate(payloads):
            await js.publish(f"probe.group.{i}", json.dumps(payload, ensure_ascii=i != 2).encode())
        await js.publish("probe.group.header", b"{}", headers={"Absender": ADDRESS})  # in a header only

        assert any(ADDRESS.lower().encode() in p for p in [m.data for m in await stream_messages(js, "PROBE")])
        deleted = await scrub_stream(js, "PROBE", [ADDRESS, NAME], batch=2)

        left = [m.data for m in await stream_messages(js, "PROBE")]
        assert deleted == 3
        assert [json.loads(p)["group"] for p in left] == ["Vogtland", "Chemnitz"]
        info = await js.stream_info("PROBE")
        assert info.state.messages == 2 and info.state.last_seq == 5  # deleted, not renumbered
        consumers = await js.consumers_info("PROBE")
        assert consumers == []  # the reading consumer is gone again
    finally:
        await client.close()

    raw = stored_bytes(nats_server).lower()
    for needle in needles_of([ADDRESS, NAME]):
        assert needle not in raw, needle  # the secure erase overwrote the bytes on disk
    assert b"wolfgang@example.org" in raw  # and the store is readable as plain bytes at all


async def test_nothing_to_scrub_is_not_an_error(nats_server):
    client = await nats.connect(nats_server.url)
    try:
        js = client.jetstream()
        assert await scrub_stream(js, "FEHLT", [ADDRESS]) == 0
        await js.add_stream(StreamConfig(name="LEER", subjects=["leer.>"]))
        assert await scrub_stream(js, "LEER", [ADDRESS]) == 0
        assert await scrub_stream(js, "LEER", ["", "  "]) == 0
    finally:
        await client.close()
