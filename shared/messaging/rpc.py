"""Request–reply over core NATS with typed replies: data, or a code and a German message."""

from __future__ import annotations

import errno
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.nats import NatsMessage
from nats.errors import MaxPayloadError, NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from shared.context import message_context
from shared.contracts import Contract, Reply, RequestSpec
from shared.contracts.german import field_messages
from shared.errors import DomainError
from shared.logging import bound_contextvars, get_logger
from shared.messaging.errors import RequestTooLarge, ServiceUnavailable

log = get_logger(__name__)

Responder = Callable[[Any], Awaitable[Contract]]


def storage_problem(exc: BaseException) -> bool:
    """The database could not write: disk full, file size limit, I/O error."""
    text = str(exc).casefold()
    disk = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
    return (
        disk or isinstance(exc, OperationalError) and any(k in text for k in ("disk", "full", "no space", "i/o error"))
    )


def _validation_message(exc: ValidationError) -> dict[str, str]:
    return field_messages(exc.errors())


async def answer(spec: RequestSpec, body: bytes, handler: Responder) -> Reply[Any]:
    """Turn a raw request into a typed reply; never lets an exception escape."""
    try:
        request = spec.request.model_validate_json(body or b"{}")
    except ValidationError as exc:
        return Reply.failure("ungueltige_anfrage", "Die Anfrage ist ungültig.", _validation_message(exc))
    try:
        return Reply.success(await handler(request))
    except DomainError as exc:
        return Reply.failure(exc.code, exc.message, exc.fields)
    except Exception as exc:
        if storage_problem(exc):
            log.error("request.storage_failed", subject=spec.subject, error=repr(exc)[:300])
            return Reply.failure(
                "speicher_fehler",
                "Die Datenbank kann gerade nichts speichern (Speicher voll oder Datenträgerfehler). "
                "Es wurde nichts geändert; bitte später erneut versuchen.",
            )
        log.exception("request.failed", subject=spec.subject)
        return Reply.failure("interner_fehler", "Interner Fehler im Dienst; bitte später erneut versuchen.")


def respond(broker: Any, spec: RequestSpec, handler: Responder) -> Any:
    """Register `handler` for `spec` in the producer's queue group."""

    async def on_request(msg: NatsMessage) -> bytes:
        headers = msg.headers or {}
        correlation_id = headers.get("Bn-Correlation-Id") or msg.correlation_id
        actor = headers.get("Bn-Actor")
        with (
            bound_contextvars(correlation_id=correlation_id, subject=spec.subject),
            message_context(correlation_id=correlation_id, actor=actor),
        ):
            reply = await answer(spec, msg.body, handler)
            if not reply.ok:
                log.info("request.refused", code=reply.error.code if reply.error else None)
            body = reply.model_dump_json().encode()
            limit = broker.connection.max_payload
            if len(body) > limit - 4096:  # headers and framing need room too; too large would never arrive
                log.error("request.reply_too_large", bytes=len(body), limit=limit)
                body = (
                    Reply.failure(
                        "antwort_zu_gross",
                        f"Die Antwort ist mit {len(body) / 1e6:.1f} MB zu groß "
                        f"(höchstens {limit / 1e6:.1f} MB); bitte seitenweise oder gefiltert abfragen.",
                    )
                    .model_dump_json()
                    .encode()
                )
            return body

    return broker.subscriber(spec.subject, queue=spec.producer, title=spec.subject)(on_request)


async def request(
    broker: Any,
    spec: RequestSpec,
    payload: Contract,
    *,
    timeout: float = 2.0,
    correlation_id: str | None = None,
    actor: str | None = None,
) -> Reply[Any]:
    headers = {k: v for k, v in (("Bn-Correlation-Id", correlation_id), ("Bn-Actor", actor)) if v} or None
    body = payload.model_dump_json().encode()
    try:
        msg = await broker.request(body, spec.subject, headers=headers, timeout=timeout)
    except (NoRespondersError, NatsTimeout, TimeoutError) as exc:
        raise ServiceUnavailable(spec.subject) from exc
    except MaxPayloadError as exc:
        raise RequestTooLarge(spec.subject, len(body), broker.connection.max_payload) from exc
    return Reply[spec.reply].model_validate_json(msg.body)  # type: ignore[name-defined]
