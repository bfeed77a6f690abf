"""Dead letters: the original body and headers, plus why and where it failed.

Published to JetStream and confirmed by PubAck before the original is terminated, so a
message is never dropped: if the dead-letter publish fails, the original is redelivered.
"""

from __future__ import annotations

import string
from typing import Any
from urllib.parse import quote, unquote

from shared.contracts.system import DeadLetterHeaders as H
from shared.messaging.streams import deadletter_stream_name

# NATS headers are single-line ASCII; the German reason is percent-encoded beyond that.
_SAFE = "".join(c for c in string.printable if c not in "%\r\n\t\x0b\x0c")


def encode_reason(reason: str) -> str:
    return quote(reason[:2000], safe=_SAFE)


def decode_reason(value: object) -> str:
    return unquote(str(value))


def deadletter_subject(consumer: str, original_subject: str) -> str:
    return f"deadletter.{consumer}.{original_subject}"


class DeadLetters:
    def __init__(self, broker: Any, consumer: str, timeout: float = 5.0) -> None:
        self._broker, self._consumer, self._timeout = broker, consumer, timeout

    async def send(self, raw: Any, *, code: str, reason: str, durable: str) -> None:
        """`raw` is the delivered nats-py message; `code` is invalid_message, exhausted or permanent."""
        meta = raw.metadata
        await self._publish(
            raw.subject,
            raw.data,
            raw.headers,
            code=code,
            reason=reason,
            durable=durable,
            stream=meta.stream,
            sequence=meta.sequence.stream,
            deliveries=meta.num_delivered,
        )

    async def send_stored(self, stored: Any, *, stream: str, deliveries: int, durable: str, reason: str) -> None:
        """`stored` is the message read back from the stream (after the server gave up on it), as a consumer gets it."""
        await self._publish(
            stored.subject,
            stored.data,
            stored.headers,
            code="exhausted",
            reason=reason,
            durable=durable,
            stream=stream,
            sequence=stored.metadata.sequence.stream,
            deliveries=deliveries,
        )

    async def _publish(
        self,
        subject: str,
        data: bytes,
        original_headers: dict | None,
        *,
        code: str,
        reason: str,
        durable: str,
        stream: str,
        sequence: int,
        deliveries: int,
    ) -> None:
        headers = {k: str(v) for k, v in (original_headers or {}).items() if k != "Nats-Msg-Id"}
        headers.update(
            {
                H.REASON: encode_reason(reason),
                H.CODE: code,
                H.ORIGINAL_SUBJECT: subject,
                H.STREAM: stream,
                H.STREAM_SEQUENCE: str(sequence),
                H.CONSUMER: durable,
                H.DELIVERIES: str(deliveries),
                # One dead letter per original message, whichever path sends it, however often.
                "Nats-Msg-Id": f"{stream}:{sequence}:{durable}",
            }
        )
        await self._broker.publish(
            data,
            deadletter_subject(self._consumer, subject),
            headers=headers,
            stream=deadletter_stream_name(self._consumer),
            timeout=self._timeout,
        )
