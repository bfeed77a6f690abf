"""A compromised service can only do its own work: attacks through the JetStream API against one node of the
production configuration (deploy/nats/cluster.conf with accounts.conf), each refused by the server.

The legitimate path under the same permissions (services consuming, answering, relaying with these users) runs in
tests/e2e/test_cluster.py; here each allowed neighbour of an attack is shown to work, so a refusal means the rule,
not a dead user.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import nats
import pytest
from nats.errors import NoRespondersError
from nats.js.api import ConsumerConfig, RePublish, StreamConfig
from nats.js.errors import BadRequestError, ServiceUnavailableError

from beratungsnetz.runtime.provision_nats import provision
from shared.contracts.notifications import PersonErasedV1
from shared.contracts.system import DeadLetterHeaders as H
from shared.messaging.broker import inbox_prefix, make_broker, stop_quietly
from shared.messaging.consumer import DeliveryPolicy, EventConsumer, durable_name, reader_name
from shared.messaging.deadletter import DeadLetters
from shared.messaging.streams import deadletter_stream_name, declare_owned_streams, owned_stream_configs, stream_name
from shared.retry import RetryPolicy
from shared.settings import ServiceSettings
from tests.deploy_support import DEPLOY, PASSWORDS, Cluster, consumed_by_service, rendered_accounts

ERASED = "notifications.person.erased.v1"
EVENTS_DURABLE = durable_name("events", ERASED)
REGISTRY_DURABLE = durable_name("registry", ERASED)


def test_the_checked_in_accounts_are_rendered_from_the_services_consumers() -> None:
    """Durables are named in the code; their permissions cannot drift from it."""
    assert (DEPLOY / "nats/accounts.conf").read_text() == rendered_accounts(), (
        "deploy/nats/accounts.conf ist veraltet: python -m tests.deploy_support > deploy/nats/accounts.conf"
    )


class User:
    """One NATS connection as a service would open it, recording what the server refuses."""

    def __init__(self, name: str) -> None:
        self.name, self.errors = name, []

    async def connect(self, url: str) -> User:
        async def on_error(exc: Exception) -> None:
            self.errors.append(str(exc))

        for _ in range(100):
            try:
                self.nc = await nats.connect(
                    url,
                    user=self.name,
                    password=PASSWORDS[self.name],
                    inbox_prefix=inbox_prefix(self.name),
                    error_cb=on_error,
                    allow_reconnect=False,
                )
                break
            except Exception:  # noqa: BLE001 - the server may still be starting: try again
                await asyncio.sleep(0.05)
        self.js = self.nc.jetstream()
        return self

    def refused(self, kind: str, subject: str) -> bool:
        pattern = f'permissions violation for {kind} to "{re.escape(subject)}"'
        return any(re.search(pattern, e, re.IGNORECASE) for e in self.errors)

    async def attempt(self, subject: str, payload: dict | None = None) -> str:
        """Send a JetStream API call and report 'refused' (by the permissions) or the server's answer."""
        inbox = self.nc.new_inbox()
        answers = await self.nc.subscribe(inbox, max_msgs=1)
        await self.nc.publish(subject, json.dumps(payload or {}).encode(), reply=inbox)
        await self.nc.flush()
        for _ in range(200):  # a loaded machine may take a while to answer
            if self.refused("publish", subject):
                return "refused"
            try:
                msg = await answers.next_msg(timeout=0.05)
            except nats.errors.TimeoutError:
                continue
            return msg.data.decode()
        raise AssertionError(f"{self.name}: weder Antwort noch Ablehnung für {subject}")

    async def subscribe(self, subject: str) -> str:
        await self.nc.subscribe(subject)
        await self.nc.flush()  # the server sends its refusal before the PONG that ends the flush
        for _ in range(40):
            if self.refused("subscription", subject):
                return "refused"
            await asyncio.sleep(0.05)
        return "allowed"


@pytest.fixture
async def server(tmp_path: Path):
    cluster = Cluster(tmp_path).start_all()  # JetStream needs its quorum: the whole production cluster
    users = {name: await User(name).connect(cluster.urls.split(",")[0]) for name in PASSWORDS if name != "system"}
    try:
        # What the services set up themselves: their streams, the events service's durable, one erasure event.
        for service in ("registry", "notifications", "events"):
            for config in owned_stream_configs(service):
                for _ in range(50):  # the cluster may still be electing its JetStream leader
                    try:
                        await users[service].js.add_stream(config)
                        break
                    except (nats.errors.TimeoutError, nats.errors.NoRespondersError, ServiceUnavailableError):
                        await asyncio.sleep(0.2)
        policy = DeliveryPolicy()
        await users["events"].js.add_consumer("NOTIFICATIONS", policy.consumer_config(EVENTS_DURABLE, ERASED))
        await users["notifications"].js.publish(ERASED, b'{"echt": true}')
        await users["notifications"].js.publish("notifications.list.created.v1", b'{"adresse": "a@example.org"}')
        yield users
    finally:
        for user in users.values():
            await user.nc.close()
        cluster.stop()


def republish_config() -> dict:
    config = owned_stream_configs("registry")[0]
    config.republish = RePublish(src="registry.group.formed.v1", dest=ERASED)
    return config.as_dict()


async def test_a_service_cannot_change_delete_or_purge_streams_not_even_its_own(server) -> None:
    registry = server["registry"]
    refused = [
        ("$JS.API.STREAM.UPDATE.REGISTRY", republish_config()),  # (a) RePublish into NOTIFICATIONS
        ("$JS.API.STREAM.DELETE.REGISTRY", None),
        ("$JS.API.STREAM.PURGE.REGISTRY", None),
        ("$JS.API.STREAM.PURGE.NOTIFICATIONS", None),
        ("$JS.API.STREAM.DELETE.NOTIFICATIONS", None),
        ("$JS.API.STREAM.UPDATE.NOTIFICATIONS", None),
        ("$JS.API.STREAM.CREATE.FORGED", {"name": "FORGED", "subjects": ["forged.>"]}),
        ("$JS.API.STREAM.RESTORE.REGISTRY", None),
        ("$JS.API.STREAM.NAMES", None),
        ("$JS.API.STREAM.LIST", None),
    ]
    for subject, payload in refused:
        assert await registry.attempt(subject, payload) == "refused", subject
    # CREATE is allowed for its own stream, but cannot change an existing one: RePublish is refused by the server
    with pytest.raises(BadRequestError) as exc:
        await registry.js.add_stream(StreamConfig.from_response(republish_config()))
    assert exc.value.err_code == 10058
    # what it may: create its own stream as it is, and read its own stream's info
    await registry.js.add_stream(owned_stream_configs("registry")[0])
    assert (await registry.js.stream_info("REGISTRY")).config.republish is None
    await registry.js.publish("registry.group.formed.v1", b"{}")
    assert (await server["notifications"].js.stream_info("NOTIFICATIONS")).state.messages == 2  # nothing forged


async def test_a_service_cannot_publish_another_services_events_or_dead_letters(server) -> None:
    registry = server["registry"]
    for subject in (ERASED, "events.action.planned.v1", "deadletter.notifications.x", "$JS.API.STREAM.MSG.GET.EVENTS"):
        assert await registry.attempt(subject) == "refused", subject


async def test_a_service_reads_nothing_of_another_stream_but_its_own_consumers_subjects(server) -> None:
    registry = server["registry"]
    seq = {"seq": 1}
    refused = [
        ("$JS.API.STREAM.MSG.GET.NOTIFICATIONS", seq),  # (b)
        ("$JS.API.DIRECT.GET.NOTIFICATIONS", seq),
        (f"$JS.API.DIRECT.GET.NOTIFICATIONS.{ERASED}", None),
        ("$JS.API.STREAM.MSG.DELETE.NOTIFICATIONS", seq),
        # its own durable, or the dead-letter reader, with any other subject filter
        (f"$JS.API.CONSUMER.CREATE.NOTIFICATIONS.{REGISTRY_DURABLE}.notifications.>", None),
        (f"$JS.API.CONSUMER.CREATE.NOTIFICATIONS.{REGISTRY_DURABLE}", None),
        (f"$JS.API.CONSUMER.DURABLE.CREATE.NOTIFICATIONS.{REGISTRY_DURABLE}", None),
        (f"$JS.API.CONSUMER.CREATE.NOTIFICATIONS.{reader_name(REGISTRY_DURABLE)}.notifications.list.created.v1", None),
        ("$JS.API.CONSUMER.CREATE.NOTIFICATIONS", None),  # an ephemeral consumer
        ("$JS.API.CONSUMER.CREATE.NOTIFICATIONS.lesen.notifications.list.created.v1", None),
        ("$JS.API.CONSUMER.LIST.NOTIFICATIONS", None),
        ("$JS.API.CONSUMER.NAMES.NOTIFICATIONS", None),
    ]
    for subject, payload in refused:
        assert await registry.attempt(subject, payload) == "refused", subject
    # what it may: its own durable with its own filter, and the reader on that same subject
    refusals = len(registry.errors)
    policy = DeliveryPolicy()
    await registry.js.add_consumer("NOTIFICATIONS", policy.consumer_config(REGISTRY_DURABLE, ERASED))
    sub = await registry.js.pull_subscribe_bind(consumer=REGISTRY_DURABLE, stream="NOTIFICATIONS")
    (msg,) = await sub.fetch(1, timeout=5)
    assert msg.subject == ERASED
    await msg.ack_sync()
    reader = ConsumerConfig(name=reader_name(REGISTRY_DURABLE), filter_subject=ERASED, inactive_threshold=60.0)
    await registry.js.add_consumer("NOTIFICATIONS", reader)
    await registry.js.delete_consumer("NOTIFICATIONS", reader_name(REGISTRY_DURABLE))
    assert len(registry.errors) == refusals


async def test_a_service_cannot_touch_another_services_durable(server) -> None:
    registry = server["registry"]
    refused = [
        (f"$JS.API.CONSUMER.MSG.NEXT.NOTIFICATIONS.{EVENTS_DURABLE}", {"batch": 1}),  # (c) pull
        (f"$JS.ACK.NOTIFICATIONS.{EVENTS_DURABLE}.1.1.1.0.0", None),  # (c) ack
        (f"$JS.API.CONSUMER.DELETE.NOTIFICATIONS.{EVENTS_DURABLE}", None),  # (c) delete
        (f"$JS.API.CONSUMER.CREATE.NOTIFICATIONS.{EVENTS_DURABLE}.{ERASED}", None),  # its name, its filter
        (f"$JS.API.CONSUMER.INFO.NOTIFICATIONS.{EVENTS_DURABLE}", None),
        (f"$JS.API.CONSUMER.PAUSE.NOTIFICATIONS.{EVENTS_DURABLE}", None),
        (f"$JS.API.CONSUMER.RESET.NOTIFICATIONS.{EVENTS_DURABLE}", None),
        (f"$JS.API.CONSUMER.UNPIN.NOTIFICATIONS.{EVENTS_DURABLE}", None),
        (f"$JS.API.CONSUMER.DELETE.NOTIFICATIONS.{REGISTRY_DURABLE}", None),  # not even its own: only the reader
    ]
    for subject, payload in refused:
        assert await registry.attempt(subject, payload) == "refused", subject
    info = await server["events"].js.consumer_info("NOTIFICATIONS", EVENTS_DURABLE)
    assert info.num_pending == 1 and info.num_ack_pending == 0  # the erasure still waits for the events service


async def test_nobody_reads_another_users_replies(server) -> None:
    registry, gateway, notifications = server["registry"], server["gateway"], server["notifications"]
    for subject in ("_INBOX.>", "_INBOX_gateway.>", "_INBOX_gateway.abc.*", ">", "*.>", "$JS.ACK.>"):
        assert await registry.subscribe(subject) == "refused", subject
    assert await gateway.subscribe("_INBOX_registry.>") == "refused"
    assert await gateway.subscribe("notifications.cmd.>") == "refused"

    # (d) the gateway asks notifications; only the gateway sees the answer
    async def answer(msg) -> None:
        await msg.respond(b"geheim")

    answered = await notifications.nc.subscribe("notifications.cmd.export", cb=answer)
    await notifications.nc.flush()
    reply = None
    for _ in range(50):  # three nodes: the interest reaches the gateway's node a moment later ("no responders")
        try:
            reply = await gateway.nc.request("notifications.cmd.export", b"{}", timeout=5)
            break
        except NoRespondersError:
            await asyncio.sleep(0.1)
    assert reply is not None, "notifications antwortet nicht"
    assert reply.data == b"geheim" and reply.subject.startswith("_INBOX_gateway.")
    await answered.unsubscribe()
    assert await registry.subscribe("_INBOX_registry.>") == "allowed"


async def test_a_consumer_pulls_its_own_subject_and_dead_letters_as_its_own_user(server) -> None:
    """The legitimate path of one consumer under these permissions, as FastStream runs it: pull through the user's
    inbox, terminate, dead-letter (an invalid message), and read a given-up message back for its dead letter."""
    url = server["registry"].nc.connected_url.geturl()
    broker = make_broker(ServiceSettings(nats_url=url, nats_user="registry", nats_password=PASSWORDS["registry"]))
    handled = []

    async def handle(envelope) -> None:
        handled.append(envelope)

    policy = DeliveryPolicy(fetch_timeout=0.2)
    consumer = EventConsumer(
        PersonErasedV1, "registry", handle, DeadLetters(broker, "registry"), policy, inbox=inbox_prefix("registry")
    )
    assert consumer.durable == REGISTRY_DURABLE
    subscriber = consumer.attach(broker)
    await broker.connect()
    try:
        await subscriber.start()
        js = server["registry"].js
        for _ in range(100):  # the stored erasure is no envelope: a dead letter, with its reason
            if (await js.stream_info("DEADLETTER_REGISTRY")).state.messages:
                break
            await asyncio.sleep(0.1)
        letters = await js.pull_subscribe_bind(
            consumer=(await js.add_consumer("DEADLETTER_REGISTRY", ConsumerConfig(name="pruefen"))).name,
            stream="DEADLETTER_REGISTRY",
        )
        (letter,) = await letters.fetch(1, timeout=5)
        assert letter.data == b'{"echt": true}' and letter.headers[H.CODE] == "invalid_message"
        stored = await consumer.read_back(1)  # as after a MAX_DELIVERIES advisory
        assert (stored.subject, stored.data, stored.metadata.sequence.stream) == (ERASED, b'{"echt": true}', 1)
        assert not handled and not server["registry"].errors
    finally:
        await stop_quietly(broker)
    info = await server["events"].js.consumer_info("NOTIFICATIONS", EVENTS_DURABLE)
    assert info.num_pending == 1  # another service's durable is untouched by all this


async def test_a_service_starts_on_a_stream_whose_configuration_it_may_not_change(server) -> None:
    """A changed dead-letter age reaches an existing stream only through the operator: the service, refused the
    UPDATE, runs on with the stream as it is instead of failing its start."""
    registry = server["registry"]
    retry = RetryPolicy(first_wait=0.1, max_wait=0.1, attempts=2)
    await declare_owned_streams(registry.js, "registry", retry=retry, deadletter_max_age=7 * 24 * 3600)
    assert registry.refused("publish", "$JS.API.STREAM.UPDATE.DEADLETTER_REGISTRY")
    info = await registry.js.stream_info("DEADLETTER_REGISTRY")
    assert info.config.max_age == owned_stream_configs("registry")[1].max_age  # unchanged
    # the operator's step changes it
    url = registry.nc.connected_url.geturl()
    await provision(ServiceSettings(nats_url=url, retention_deadletter_days=7), PASSWORDS["betrieb"])
    assert (await registry.js.stream_info("DEADLETTER_REGISTRY")).config.max_age == 7 * 24 * 3600


async def test_every_user_is_refused_everything_of_the_others(server) -> None:
    """The rules above for each user and each other service: no durable, stream or inbox of another is reachable."""
    consumed, _readers = consumed_by_service()
    streams = [name for s in consumed for name in (stream_name(s), deadletter_stream_name(s))]
    for user in consumed:
        attacker = server[user]
        subjects = []
        for other, consumers in consumed.items():
            if other == user:
                continue
            # On its own stream a producer may read and delete (the erasure scrub): pulling another's durable there
            # withholds only its own events, which it could as well not publish. Everywhere else: nothing.
            for c in (c for c in consumers if c.stream != stream_name(user)):
                subjects += [
                    f"$JS.API.CONSUMER.MSG.NEXT.{c.stream}.{c.durable}",
                    f"$JS.API.CONSUMER.DELETE.{c.stream}.{c.durable}",
                    f"$JS.API.CONSUMER.CREATE.{c.stream}.{c.durable}.{c.subject}",
                    f"$JS.API.CONSUMER.CREATE.{c.stream}.{c.reader}.{c.subject}",
                    f"$JS.ACK.{c.stream}.{c.durable}.1.1.1.0.0",
                ]
        for stream in streams:
            subjects += [f"$JS.API.STREAM.{op}.{stream}" for op in ("UPDATE", "DELETE", "PURGE", "MSG.GET")]
            subjects.append(f"$JS.API.DIRECT.GET.{stream}")
            if stream not in (stream_name(user), deadletter_stream_name(user)):
                subjects += [f"$JS.API.STREAM.{op}.{stream}" for op in ("CREATE", "MSG.DELETE")]
                subjects += [f"$JS.API.CONSUMER.{op}.{stream}" for op in ("CREATE", "LIST", "NAMES")]
        for subject in subjects:
            assert await attacker.attempt(subject) == "refused", (user, subject)
        for other in server:
            if other != user:
                assert await attacker.subscribe(f"{inbox_prefix(other)}.>") == "refused", (user, other)
    gateway = server["gateway"]
    for subject in ("$JS.API.INFO", "$JS.API.STREAM.INFO.REGISTRY", "$JS.API.STREAM.MSG.GET.REGISTRY"):
        assert await gateway.attempt(subject) == "refused", subject
