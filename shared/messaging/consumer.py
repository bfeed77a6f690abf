"""Durable pull consumers of another service's events, with explicit delivery rules.

Per message: parse the envelope (malformed → dead letter), call the handler with the
correlation id bound to the log context, then ack. A failing handler is NACKed with a
growing delay; on its last allowed delivery, or on `PermanentFailure`, the message goes
to the dead-letter subject with its reason and is terminated. FastStream's default
REJECT_ON_ERROR would drop it silently, so acknowledgement is manual here.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from faststream import AckPolicy
from faststream.nats import ConsumerConfig, NatsMessage, PullSub
from nats.js.api import AckPolicy as JsAckPolicy
from nats.js.api import DeliverPolicy
from pydantic import ValidationError

from shared.contracts import Envelope, EventPayload
from shared.errors import PermanentFailure
from shared.logging import bound_contextvars, get_logger
from shared.messaging.deadletter import DeadLetters
from shared.messaging.streams import bound_stream

log = get_logger(__name__)

P = TypeVar("P", bound=EventPayload)
Handler = Callable[[Envelope[P]], Awaitable[None]]


@dataclass(frozen=True)
class DeliveryPolicy:
    ack_wait: float = 30.0  # seconds a handler may take before the server redelivers
    max_deliver: int = 6
    backoff: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0, 600.0)  # delay before the n-th retry
    batch_size: int = 10
    fetch_timeout: float = 1.0

    @property
    def handler_timeout(self) -> float:
        return self.ack_wait * 0.8

    def delay_after(self, delivery: int) -> float:
        return self.backoff[min(delivery, len(self.backoff)) - 1]

    def consumer_config(self, durable: str, subject: str) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=durable,
            filter_subject=subject,
            ack_policy=JsAckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
            max_ack_pending=1000,
        )


def durable_name(consumer: str, subject: str) -> str:
    return f"{consumer}__{subject.replace('.', '_')}"


def subscribe_event(
    broker: Any,
    payload: type[P],
    *,
    consumer: str,
    handler: Handler[P],
    deadletters: DeadLetters,
    policy: DeliveryPolicy = DeliveryPolicy(),
) -> Any:
    """Register a durable pull consumer of `payload`'s subject that runs `handler`."""
    subject = payload.subject
    durable = durable_name(consumer, subject)
    model = Envelope[payload]  # type: ignore[valid-type]

    async def on_message(msg: NatsMessage) -> None:
        raw = msg.raw_message
        delivery = raw.metadata.num_delivered
        try:
            envelope = model.model_validate_json(raw.data)
        except ValidationError as exc:
            await _dead_letter(msg, "invalid_message", f"Ungültige Nachricht für {subject}: {exc}")
            return
        with bound_contextvars(
            correlation_id=envelope.correlation_id, event_id=str(envelope.event_id), subject=subject, delivery=delivery
        ):
            started = time.perf_counter()
            try:
                # Finish before the server's ack_wait, or the message would be delivered twice at once.
                await asyncio.wait_for(handler(envelope), policy.handler_timeout)
            except PermanentFailure as exc:
                await _dead_letter(msg, "permanent", f"Dauerhaft nicht verarbeitbar: {exc}")
            except Exception as exc:
                if delivery >= policy.max_deliver:
                    reason = f"Nach {delivery} Zustellversuchen aufgegeben: {exc!r}"
                    await _dead_letter(msg, "exhausted", reason)
                else:
                    delay = policy.delay_after(delivery)
                    log.warning("message.retry", error=repr(exc), retry_in=delay)
                    await msg.nack(delay=delay)
            else:
                await msg.ack()
                log.info("message.handled", ms=round((time.perf_counter() - started) * 1000, 1))

    async def _dead_letter(msg: NatsMessage, code: str, reason: str) -> None:
        await deadletters.send(msg.raw_message, code=code, reason=reason, durable=durable)
        await msg.reject()  # TERM: the dead letter holds it now
        log.error("message.dead_lettered", code=code, reason=reason[:300], subject=subject)

    async def on_max_deliveries(msg: NatsMessage) -> None:
        """The server gave up without our handler failing (a crash or hang each time)."""
        advisory = json.loads(msg.body)
        js = broker.connection.jetstream()
        stored = await js.get_msg(advisory["stream"], advisory["stream_seq"])
        await deadletters.send_stored(
            stored,
            stream=advisory["stream"],
            deliveries=advisory.get("deliveries", policy.max_deliver),
            durable=durable,
            reason=f"Nach {advisory.get('deliveries')} Zustellungen ohne Bestätigung aufgegeben "
            "(Verarbeitung abgestürzt oder zu langsam)",
        )
        log.error("message.dead_lettered", code="exhausted", stream_seq=advisory["stream_seq"], subject=subject)

    stream = bound_stream(payload.producer)
    broker.subscriber(f"$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{stream.name}.{durable}", title=f"{durable}-advisory")(
        on_max_deliveries
    )
    return broker.subscriber(
        subject,
        stream=stream,
        durable=durable,
        config=policy.consumer_config(durable, subject),
        pull_sub=PullSub(batch_size=policy.batch_size, timeout=policy.fetch_timeout),
        ack_policy=AckPolicy.MANUAL,
        title=durable,
    )(on_message)
