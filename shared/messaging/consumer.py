"""Durable pull consumers of another service's events, with explicit delivery rules.

Per message: parse the envelope (malformed → dead letter), call the handler with the
correlation id bound to the log context, then ack. A failing handler is NACKed with a
growing delay; on its last allowed delivery, or on `PermanentFailure`, the message goes
to the dead-letter subject with its reason and is terminated. FastStream's default
REJECT_ON_ERROR would drop it silently, so acknowledgement is manual here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from faststream import AckPolicy
from faststream.nats import ConsumerConfig, NatsMessage, PullSub
from nats.js.api import AckPolicy as JsAckPolicy
from nats.js.api import DeliverPolicy
from nats.js.errors import NotFoundError
from pydantic import ValidationError

from shared.context import message_context
from shared.contracts import Envelope, EventPayload
from shared.errors import PermanentFailure
from shared.logging import bound_contextvars, get_logger
from shared.messaging.deadletter import DeadLetters
from shared.messaging.streams import bound_stream

log = get_logger(__name__)

P = TypeVar("P", bound=EventPayload)
Handler = Callable[[Envelope[P]], Awaitable[None]]
BatchHandler = Callable[[list[tuple[Envelope[Any], int]]], Awaitable[None]]  # (envelope, stream sequence) pairs


@dataclass(frozen=True)
class DeliveryPolicy:
    ack_wait: float = 30.0  # seconds a handler may take before the server redelivers
    max_deliver: int = 6
    backoff: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0, 600.0)  # delay before the n-th retry
    # One message at a time, unless the consumer applies a batch in one transaction (`apply_many`, through
    # `shared/messaging/batches.py`): handlers of one batch would otherwise contend for SQLite's single writer
    # (measured: 1,000 registry events caught up in 5.1 s one at a time, 11–12 s concurrently).
    batch_size: int = 1
    fetch_timeout: float = 1.0

    @property
    def handler_timeout(self) -> float:
        return self.ack_wait * 0.8

    def delay_after(self, delivery: int) -> float:
        return self.backoff[min(delivery, len(self.backoff)) - 1]

    def consumer_config(self, durable: str, subject: str) -> ConsumerConfig:
        return ConsumerConfig(
            # With a name, nats-py creates through `$JS.API.CONSUMER.CREATE.<stream>.<name>.<filter>`: the NATS
            # permissions (deploy/nats/accounts.conf) can then pin each durable to its one subject.
            name=durable,
            durable_name=durable,
            filter_subject=subject,
            ack_policy=JsAckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
            max_ack_pending=1000,
        )


GERMAN = {
    "missing": "fehlt",
    "json_invalid": "kein gültiges JSON",
    "extra_forbidden": "nicht vorgesehen",
    "literal_error": "unzulässiger Wert",
    "model_type": "falscher Typ",
    "dict_type": "kein Objekt",
    "string_type": "kein Text",
    "int_type": "keine ganze Zahl",
    "int_parsing": "keine ganze Zahl",
    "bool_type": "kein Wahrheitswert",
    "list_type": "keine Liste",
    "uuid_parsing": "keine gültige UUID",
    "uuid_type": "keine gültige UUID",
    "datetime_parsing": "kein gültiger Zeitpunkt",
    "datetime_type": "kein gültiger Zeitpunkt",
    "date_parsing": "kein gültiges Datum",
    "greater_than_equal": "zu klein",
    "greater_than": "zu klein",
    "less_than_equal": "zu groß",
    "string_too_short": "zu kurz",
    "string_too_long": "zu lang",
    "value_error": "ungültiger Wert",
}


def problems(exc: ValidationError) -> str:
    """What is wrong, field by field, without the message's content (it may hold names and addresses)."""
    found = exc.errors(include_url=False, include_input=False, include_context=False)
    described = (
        f"{'.'.join(map(str, e['loc'])) or 'Nachricht'}: {GERMAN.get(e['type'], e['msg'])}" for e in found[:10]
    )
    return "; ".join(described) + (f" (und {len(found) - 10} weitere)" if len(found) > 10 else "")


def durable_name(consumer: str, subject: str) -> str:
    return f"{consumer}__{subject.replace('.', '_')}"


def reader_name(durable: str) -> str:
    """The short-lived consumer that reads back a message the server gave up on (same subject filter as `durable`)."""
    return f"{durable}__lesen"


class EventConsumer(Generic[P]):
    """One durable pull consumer of one event subject, with its dead-letter rules.

    One message at a time through FastStream; with `apply_many`, through a fetch loop of our own that applies each
    fetched batch in one transaction (`shared/messaging/batches.py`). Either way a message that fails goes through
    `handle` alone: retried with a growing delay, dead-lettered with its reason in the end.
    """

    def __init__(
        self,
        payload: type[P],
        consumer: str,
        handler: Handler[P],
        deadletters: DeadLetters,
        policy: DeliveryPolicy,
        apply_many: BatchHandler | None = None,
        inbox: str = "_INBOX",
    ) -> None:
        self.inbox = inbox  # where pulled messages arrive: the connection's own inbox prefix (broker.inbox_prefix)
        self.subject, self.consumer = payload.subject, consumer
        self.durable = durable_name(consumer, payload.subject)
        self.stream = bound_stream(payload.producer)
        self.model = Envelope[payload]  # type: ignore[valid-type]
        self.handler, self.deadletters, self.policy = handler, deadletters, policy
        self.apply_many = apply_many
        self.failing: str | None = None  # the last handler error, until a message is handled again (for health)
        self.reader = reader_name(self.durable)
        self._reading = asyncio.Lock()
        self.runner: Any = None  # what `attach` returned: a FastStream subscriber or a `BatchLoop`

    def attach(self, broker: Any) -> Any:
        """Register with `broker`; returns what to `start()` once the producer's stream exists."""
        self.broker = broker
        advisory = f"$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{self.stream.name}.{self.durable}"
        broker.subscriber(advisory, queue=self.consumer, title=f"{self.durable}-advisory")(self.on_max_deliveries)
        if self.apply_many:
            from shared.messaging.batches import BatchLoop  # it builds on this module

            self.runner = BatchLoop(self, broker)
            return self.runner
        subscriber = broker.subscriber(
            self.subject,
            stream=self.stream,
            durable=self.durable,
            config=self.policy.consumer_config(self.durable, self.subject),
            pull_sub=PullSub(batch_size=self.policy.batch_size, timeout=self.policy.fetch_timeout),
            ack_policy=AckPolicy.MANUAL,
            inbox_prefix=f"{self.inbox}.".encode(),  # FastStream's default is `_INBOX.`, whatever the connection's
            title=self.durable,
        )
        subscriber(self.on_message)
        self.runner = subscriber
        return subscriber

    async def stop(self) -> None:
        """Stop a fetch loop of our own (FastStream's subscribers stop with the broker)."""
        if self.runner is not None and self.apply_many:
            await self.runner.stop()

    async def on_message(self, msg: NatsMessage) -> None:
        await self.receive(msg.raw_message)

    async def receive(self, raw: Any) -> None:
        """Parse and handle one delivered nats-py message."""
        try:
            envelope = self.model.model_validate_json(raw.data)
        except ValidationError as exc:
            await self.dead_letter(raw, "invalid_message", self.invalid(exc))
            return
        await self.handle_alone(raw, envelope, raw.metadata)

    def invalid(self, exc: ValidationError) -> str:
        return f"Ungültige Nachricht für {self.subject}: {problems(exc)}"

    async def handle_alone(self, raw: Any, envelope: Envelope[P], meta: Any) -> None:
        with (
            bound_contextvars(
                correlation_id=envelope.correlation_id,
                event_id=str(envelope.event_id),
                subject=self.subject,
                delivery=meta.num_delivered,
            ),
            message_context(
                correlation_id=envelope.correlation_id,
                causation_id=str(envelope.event_id),
                actor=envelope.actor,
                stream_sequence=meta.sequence.stream,
            ),
        ):
            await self.handle(raw, envelope, meta.num_delivered)

    async def handle(self, raw: Any, envelope: Envelope[P], delivery: int) -> None:
        started = time.perf_counter()
        try:
            # Finish before the server's ack_wait, or the message would be delivered twice at once.
            await asyncio.wait_for(self.handler(envelope), self.policy.handler_timeout)
        except PermanentFailure as exc:
            await self.dead_letter(raw, "permanent", f"Dauerhaft nicht verarbeitbar: {exc}")
        except Exception as exc:  # noqa: BLE001 - any failure here is logged and retried, never lost
            self.failing = repr(exc)[:200]
            if delivery >= self.policy.max_deliver:
                await self.dead_letter(raw, "exhausted", f"Nach {delivery} Zustellversuchen aufgegeben: {exc!r}")
            else:
                delay = self.policy.delay_after(delivery)
                log.warning("message.retry", error=repr(exc), retry_in=delay)
                await raw.nak(delay=delay)
        else:
            await raw.ack()
            self.failing = None
            log.info("message.handled", ms=round((time.perf_counter() - started) * 1000, 1))

    async def dead_letter(self, raw: Any, code: str, reason: str) -> None:
        await self.deadletters.send(raw, code=code, reason=reason, durable=self.durable)
        await raw.term()  # the dead letter holds it now
        log.error("message.dead_lettered", code=code, reason=reason[:300], subject=self.subject)

    async def on_max_deliveries(self, msg: NatsMessage) -> None:
        """The server gave up without our handler failing (a crash or hang each time)."""
        advisory = json.loads(msg.body)
        async with self._reading:  # one read-back consumer name per durable: one read at a time
            stored = await self.read_back(advisory["stream_seq"])
        deliveries = advisory.get("deliveries", self.policy.max_deliver)
        await self.deadletters.send_stored(
            stored,
            stream=advisory["stream"],
            deliveries=deliveries,
            durable=self.durable,
            reason=f"Nach {deliveries} Zustellungen ohne Bestätigung aufgegeben (Verarbeitung abgestürzt oder zu langsam)",
        )
        log.error("message.dead_lettered", code="exhausted", stream_seq=advisory["stream_seq"], subject=self.subject)

    async def read_back(self, sequence: int) -> Any:
        """The message at stream `sequence`, read through a consumer filtered on this consumer's own subject.

        Not `STREAM.MSG.GET`: that would let a service read every message of another service's stream; a consumer
        whose filter subject is part of the API subject (`$JS.API.CONSUMER.CREATE.<stream>.<name>.<filter>`) is
        confined by the NATS permissions to the subject this service consumes anyway.
        """
        js = self.broker.connection.jetstream()
        stream = self.stream.name
        config = ConsumerConfig(
            name=self.reader,
            filter_subject=self.subject,
            ack_policy=JsAckPolicy.NONE,
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=sequence,
            inactive_threshold=60.0,
            mem_storage=True,
        )
        with contextlib.suppress(NotFoundError):  # a reader left behind by a crash starts elsewhere
            await js.delete_consumer(stream, self.reader)
        await js.add_consumer(stream, config)
        try:
            sub = await js.pull_subscribe_bind(consumer=self.reader, stream=stream)
            (stored,) = await sub.fetch(1, timeout=5)
            await sub.unsubscribe()
        finally:
            with contextlib.suppress(NotFoundError):
                await js.delete_consumer(stream, self.reader)
        return stored
