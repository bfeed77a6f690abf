"""The gateway's readiness over a real nats-server: 503 with Retry-After when services are missing."""

from __future__ import annotations

import time

import httpx

from services.gateway.bootstrap import bootstrap
from services.gateway.config import GatewaySettings
from shared.contracts import events
from shared.contracts.system import HealthReply, HealthRequest
from shared.messaging.rpc import respond


async def test_ready_names_the_services_that_do_not_answer(nats_server, broker) -> None:
    async def events_health(_request: HealthRequest) -> HealthReply:
        return HealthReply(service="events", status="ok", version="test")

    respond(broker, events.HEALTH, events_health)  # only the events service is "up"
    await broker.start()
    app = bootstrap(GatewaySettings(nats_url=nats_server.url, request_timeout=0.5))
    await app.state.broker.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            started = time.monotonic()
            response = await client.get("/api/v1/ready")
            assert time.monotonic() - started < 2.0
            assert response.status_code == 503 and response.headers["retry-after"] == "2"
            assert response.json() == {
                "status": "nicht bereit",
                "dienste": {"registry": "antwortet nicht", "notifications": "antwortet nicht", "events": "ok"},
            }
            missing = await client.get("/api/v1/gibt-es-nicht")
            assert missing.status_code == 404 and missing.json()["fehler"] == "Nicht gefunden."
            assert (await client.get("/api/v1/openapi.json")).json()["info"]["title"] == "Beratungsnetz"
    finally:
        await app.state.broker.stop()
