"""Consumer delivery guarantees against a real nats-server (never TestNatsBroker)."""

from __future__ import annotations

import asyncio
import time

import pytest

from shared.contracts import Envelope
from shared.contracts.registry import GroupFormedV1
from shared.contracts.system import DeadLetterHeaders as H
from shared.messaging.consumer import DeliveryPolicy, durable_name
from shared.messaging.deadletter import decode_reason
from shared.messaging.streams import declare_owned_streams
from tests.integration.messaging_app import GroupReplica, count, create_schema
from tests.support import eventually, retry_policy

SUBJECT = GroupFormedV1.subject


def group(group_id: str) -> Envelope[GroupFormedV1]:
    return Envelope.wrap(GroupFormedV1(group_id=group_id, name=group_id.title(), state="SN"), correlation_id="corr-1")


async def publish(broker, body: bytes, msg_id: str | None = None) -> None:
    headers = {"Bn-Correlation-Id": "corr-1"}
    if msg_id:
        headers["Nats-Msg-Id"] = msg_id
    await broker.publish(body, SUBJECT, headers=headers, stream="REGISTRY")


@pytest.fixture
async def replica(database, broker):
    """Registry stream and the events dead-letter stream declared; the consumer not yet started."""
    await create_schema(database)
    await broker.connect()
    js = broker.connection.jetstream()
    await declare_owned_streams(js, "registry", retry=retry_policy())
    await declare_owned_streams(js, "events", retry=retry_policy())
    replica = GroupReplica(database)
    yield replica
    await replica.stop()


async def consumer_info(broker):
    return await broker.connection.jetstream().consumer_info("REGISTRY", durable_name("events", SUBJECT))


async def dead_letters(broker) -> list:
    js = broker.connection.jetstream()
    info = await js.stream_info("DEADLETTER_EVENTS")
    return [await js.get_msg("DEADLETTER_EVENTS", seq) for seq in range(1, info.state.messages + 1)]


async def test_same_event_delivered_twice_is_applied_once(replica, broker, database):
    replica.subscribe(broker, DeliveryPolicy(backoff=(0.1,), fetch_timeout=0.2))
    await broker.start()
    envelope = group("vogtland")
    # Published twice without a Nats-Msg-Id, so the stream keeps both copies (as on a replay).
    await publish(broker, envelope.model_dump_json().encode())
    await publish(broker, envelope.model_dump_json().encode())

    async def both_acked() -> bool:
        info = await consumer_info(broker)
        return info.delivered.stream_seq == 2 and info.num_ack_pending == 0

    await eventually(both_acked)
    assert len(replica.calls) == 2
    assert await count(database) == 1


async def test_transient_error_is_redelivered_with_backoff(replica, broker, database):
    policy = DeliveryPolicy(backoff=(0.4, 0.8), max_deliver=5, fetch_timeout=0.2)
    replica.fail["leipzig"] = 2
    replica.subscribe(broker, policy)
    await broker.start()
    await publish(broker, group("leipzig").model_dump_json().encode())

    async def applied() -> bool:
        return await count(database) == 1

    await eventually(applied)
    times = [t for _, t in replica.calls]
    assert len(times) == 3
    # Lower bounds only: the server waits at least the NAK delay before redelivering.
    assert times[1] - times[0] >= 0.4 - 0.05
    assert times[2] - times[1] >= 0.8 - 0.05
    assert await dead_letters(broker) == []


async def test_malformed_and_exhausted_messages_are_dead_lettered_while_others_flow(replica, broker, database):
    policy = DeliveryPolicy(backoff=(0.1, 0.1), max_deliver=3, fetch_timeout=0.2)
    replica.fail["gift"] = -1  # never succeeds
    replica.subscribe(broker, policy)
    await broker.start()
    poison = group("gift")
    await publish(broker, b'{"kein": "envelope"', msg_id="kaputt-1")
    await publish(broker, poison.model_dump_json().encode(), msg_id=str(poison.event_id))
    for name in ("dresden", "chemnitz"):
        await publish(broker, group(name).model_dump_json().encode())

    async def settled() -> bool:
        return len(await dead_letters(broker)) == 2 and await count(database) == 2

    await eventually(settled, timeout=15)
    by_code = {m.headers[H.CODE]: m for m in await dead_letters(broker)}
    assert set(by_code) == {"invalid_message", "exhausted"}

    malformed = by_code["invalid_message"]
    assert malformed.data == b'{"kein": "envelope"'
    assert "Ungültige Nachricht" in decode_reason(malformed.headers[H.REASON])
    assert "kein gültiges JSON" in decode_reason(malformed.headers[H.REASON])
    assert "envelope" not in decode_reason(malformed.headers[H.REASON])  # the content stays out of the reason
    assert malformed.headers[H.ORIGINAL_SUBJECT] == SUBJECT
    assert malformed.headers["Bn-Correlation-Id"] == "corr-1"  # original headers kept

    exhausted = by_code["exhausted"]
    assert Envelope[GroupFormedV1].model_validate_json(exhausted.data).event_id == poison.event_id
    assert exhausted.headers[H.DELIVERIES] == "3"
    assert "Nach 3 Zustellversuchen aufgegeben" in decode_reason(exhausted.headers[H.REASON])
    assert "vorübergehender Fehler bei gift" in decode_reason(exhausted.headers[H.REASON])
    assert exhausted.headers[H.CONSUMER] == durable_name("events", SUBJECT)
    assert [g for g, _ in replica.calls].count("gift") == 3

    info = await consumer_info(broker)
    assert info.num_ack_pending == 0 and info.num_pending == 0


async def test_a_message_whose_consumer_crashes_every_time_is_dead_lettered(replica, broker, database):
    """A process that dies mid-message never acks nor NAKs; the server's advisory still gets it out."""
    policy = DeliveryPolicy(ack_wait=0.5, max_deliver=2, fetch_timeout=0.2)
    replica.subscribe(broker, policy)
    # Two other "processes" of the same durable consumer take the message and die (never ack).
    js = broker.connection.jetstream()
    crashing = await js.pull_subscribe(
        SUBJECT,
        durable=durable_name("events", SUBJECT),
        stream="REGISTRY",
        config=policy.consumer_config(durable_name("events", SUBJECT), SUBJECT),
    )
    doomed = group("absturz")
    await publish(broker, doomed.model_dump_json().encode(), msg_id=str(doomed.event_id))
    for _ in range(2):
        (taken,) = await crashing.fetch(1, timeout=5)
        assert taken.metadata.num_delivered in (1, 2)
    await broker.start()  # our consumer and its advisory listener come up afterwards
    await publish(broker, group("zwickau").model_dump_json().encode())

    async def settled() -> bool:
        return len(await dead_letters(broker)) == 1 and await count(database) == 1

    await eventually(settled, timeout=15)
    (letter,) = await dead_letters(broker)
    assert letter.headers[H.CODE] == "exhausted"
    assert "ohne Bestätigung" in decode_reason(letter.headers[H.REASON])
    assert Envelope[GroupFormedV1].model_validate_json(letter.data).event_id == doomed.event_id
    assert [g for g, _ in replica.calls] == ["zwickau"]


async def test_a_hanging_handler_is_cut_off_and_retried_instead_of_stalling_the_consumer(replica, broker, database):
    policy = DeliveryPolicy(ack_wait=1.0, backoff=(0.2,), max_deliver=3, fetch_timeout=0.2)
    replica.hang["plauen"] = 60  # would block the pull loop for a minute
    replica.subscribe(broker, policy)
    await broker.start()
    await publish(broker, group("plauen").model_dump_json().encode())

    async def applied() -> bool:
        return await count(database) == 1

    await eventually(applied, timeout=10)
    assert [g for g, _ in replica.calls] == ["plauen", "plauen"]
    assert await dead_letters(broker) == []


async def test_batches_are_applied_together_and_a_poisoned_batch_falls_back_to_one_at_a_time(replica, broker, database):
    policy = DeliveryPolicy(backoff=(0.1, 0.1), max_deliver=3, fetch_timeout=0.2, batch_size=20)
    replica.fail["gift"] = -1  # fails every batch it is in, and alone
    good = [group(f"g{i}") for i in range(60)]
    for envelope in good[:30] + [group("gift")] + good[30:]:
        await publish(broker, envelope.model_dump_json().encode(), msg_id=str(envelope.event_id))
    await publish(broker, good[5].model_dump_json().encode())  # the same event again, under a new message id
    loop = replica.subscribe(broker, policy, batched=True)
    await broker.start()
    await loop.start()

    async def settled() -> bool:
        return len(await dead_letters(broker)) == 1 and await count(database) == 60

    await eventually(settled, timeout=20)
    assert max(replica.batches) > 1  # applied together, not one by one
    (dead,) = await dead_letters(broker)
    assert dead.headers[H.CODE] == "exhausted" and "gift" in decode_reason(dead.headers[H.REASON])
    alone = [g for g, _ in replica.calls]
    assert alone.count("gift") == 3  # its three deliveries, each alone after the first batch failed
    assert 0 < len(alone) - 3 < policy.batch_size  # only the poisoned batch's other messages went alone, once
    info = await consumer_info(broker)
    assert info.num_ack_pending == 0 and info.num_pending == 0
    assert await count(database) == 60  # each good event once, the duplicate skipped


async def test_a_malformed_message_in_a_batch_is_dead_lettered_and_the_rest_applied_together(replica, broker, database):
    policy = DeliveryPolicy(backoff=(0.1,), max_deliver=3, fetch_timeout=0.2, batch_size=50)
    good = [group(f"h{i}") for i in range(40)]
    for envelope in good[:20]:
        await publish(broker, envelope.model_dump_json().encode(), msg_id=str(envelope.event_id))
    await publish(broker, b'{"event_id": "kein Umschlag"}', msg_id="kaputt-im-stapel")
    for envelope in good[20:]:
        await publish(broker, envelope.model_dump_json().encode(), msg_id=str(envelope.event_id))
    loop = replica.subscribe(broker, policy, batched=True)
    await broker.start()
    await loop.start()

    async def settled() -> bool:
        return len(await dead_letters(broker)) == 1 and await count(database) == 40

    await eventually(settled, timeout=15)
    (dead,) = await dead_letters(broker)
    assert dead.headers[H.CODE] == "invalid_message" and dead.data == b'{"event_id": "kein Umschlag"}'
    assert "Ungültige Nachricht" in decode_reason(dead.headers[H.REASON])
    assert dead.headers[H.STREAM_SEQUENCE] == "21"
    assert replica.calls == []  # nobody went alone: the bad body cost the others nothing
    assert sum(replica.batches) == 40 and max(replica.batches) > 1
    info = await consumer_info(broker)
    assert info.num_ack_pending == 0 and info.num_pending == 0


async def test_a_crash_after_the_commit_of_a_batch_redelivers_it_and_the_inbox_applies_nothing_twice(
    nats_server, replica, broker, database
):
    """The process dies between the batch's commit and its acks: the next one gets the batch again, applies none."""
    from shared.messaging.broker import make_broker, stop_quietly
    from shared.settings import ServiceSettings

    policy = DeliveryPolicy(ack_wait=1.0, backoff=(0.1,), max_deliver=5, fetch_timeout=0.2, batch_size=25)
    envelopes = [group(f"k{i}") for i in range(60)]
    for envelope in envelopes:
        await publish(broker, envelope.model_dump_json().encode(), msg_id=str(envelope.event_id))
    replica.committed = asyncio.Event()
    doomed = make_broker(ServiceSettings(nats_url=nats_server.url))
    await doomed.connect()
    first = replica.subscribe(doomed, policy, batched=True)
    await first.start()
    await asyncio.wait_for(replica.committed.wait(), 10)
    await doomed.connection.close()  # dead: no ack, no NAK reaches the server
    await first.stop()
    applied_before_crash = await count(database)
    assert 0 < applied_before_crash < 60

    again = replica.subscribe(broker, policy, batched=True)  # the restarted process, same durable
    await broker.start()
    await again.start()

    async def settled() -> bool:
        info = await consumer_info(broker)
        return await count(database) == 60 and info.num_ack_pending == 0 and info.num_pending == 0

    await eventually(settled, timeout=20)
    redelivered = [g for g, _ in replica.calls]  # a redelivery goes alone, and the inbox knows it
    assert len(redelivered) >= applied_before_crash
    assert await count(database) == 60  # every group once
    assert await dead_letters(broker) == []
    await stop_quietly(doomed)


async def test_stopping_the_loop_hands_its_batches_back_at_once(replica, broker, database):
    """A service stopping mid-batch NAKs what it holds (the batch being applied, the one fetched ahead): the next
    start gets them at once instead of after ack_wait, and the inbox skips what had committed."""
    policy = DeliveryPolicy(ack_wait=30.0, fetch_timeout=0.2, batch_size=10)
    for envelope in [group(f"s{i}") for i in range(30)]:
        await publish(broker, envelope.model_dump_json().encode(), msg_id=str(envelope.event_id))
    replica.committed = asyncio.Event()  # the first batch commits, then stalls before its acks
    loop = replica.subscribe(broker, policy, batched=True)
    await broker.start()
    await loop.start()
    await asyncio.wait_for(replica.committed.wait(), 10)
    await loop.stop()

    again = replica.subscribe(broker, policy, batched=True)
    await again.start()
    began = time.monotonic()

    async def settled() -> bool:
        info = await consumer_info(broker)
        return await count(database) == 30 and info.num_ack_pending == 0 and info.num_pending == 0

    await eventually(settled, timeout=25)
    assert time.monotonic() - began < policy.ack_wait / 2  # handed back, not waited out
    assert await count(database) == 30
    # What it held came again (a redelivery goes alone): the committed batch and the one fetched ahead; no more.
    assert sorted(g for g, _ in replica.calls) == sorted(f"s{i}" for i in range(20))
