"""Request–reply over a real nats-server: typed replies, typed errors, no hang when nobody answers."""

from __future__ import annotations

import time

import pytest
from sqlalchemy.exc import OperationalError

from shared.contracts import registry
from shared.contracts.system import HealthReply, HealthRequest
from shared.errors import DomainError
from shared.messaging.rpc import ServiceUnavailable, request, respond


async def test_answer_invalid_request_and_domain_error_are_typed_replies(broker) -> None:
    calls = []

    async def health(req: HealthRequest) -> HealthReply:
        calls.append(req)
        if len(calls) == 2:
            raise DomainError("Die Gruppe Vogtland existiert bereits.", code="gruppe_existiert")
        if len(calls) == 3:
            raise RuntimeError("Datenbank weg")
        return HealthReply(service="registry", status="ok", version="1")

    respond(broker, registry.HEALTH, health)
    await broker.start()

    ok = await request(broker, registry.HEALTH, HealthRequest())
    assert ok.ok and ok.data.service == "registry"

    refused = await request(broker, registry.HEALTH, HealthRequest())
    assert not refused.ok
    assert (refused.error.code, refused.error.message) == ("gruppe_existiert", "Die Gruppe Vogtland existiert bereits.")

    crashed = await request(broker, registry.HEALTH, HealthRequest())
    assert crashed.error.code == "interner_fehler" and "Datenbank weg" not in crashed.error.message

    raw = await broker.request(b"[1, 2", registry.HEALTH.subject, timeout=2)
    assert b'"ungueltige_anfrage"' in raw.body and "ungültig" in raw.body.decode()
    assert len(calls) == 3  # the malformed request never reached the handler


async def test_nobody_answering_is_service_unavailable_not_a_hang(broker) -> None:
    await broker.start()
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="antwortet gerade nicht"):
        await request(broker, registry.HEALTH, HealthRequest(), timeout=1.0)
    assert time.monotonic() - started < 2.0


async def test_a_reply_larger_than_the_servers_limit_is_a_typed_error_not_a_timeout(broker) -> None:
    async def health(req: HealthRequest) -> HealthReply:
        return HealthReply(
            service="registry", status="ok", version="1", checks={"gross": "x" * (broker.connection.max_payload + 1)}
        )

    respond(broker, registry.HEALTH, health)
    await broker.start()
    reply = await request(broker, registry.HEALTH, HealthRequest())
    assert not reply.ok and reply.error.code == "antwort_zu_gross"
    assert "zu groß" in reply.error.message and "seitenweise" in reply.error.message


async def test_a_database_that_cannot_write_is_a_typed_storage_error(broker) -> None:
    async def health(req: HealthRequest) -> HealthReply:
        raise OperationalError("INSERT INTO actions …", {}, Exception("database or disk is full"))

    respond(broker, registry.HEALTH, health)
    await broker.start()
    reply = await request(broker, registry.HEALTH, HealthRequest())
    assert not reply.ok and reply.error.code == "speicher_fehler" and "Speicher voll" in reply.error.message
