"""Composition root of the gateway: NATS client, FastAPI app, uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from services.gateway.adapters.services import ServiceClient
from services.gateway.config import GatewaySettings
from services.gateway.entrypoints.http import create_app
from shared.contracts import gateway as contracts
from shared.contracts.system import HealthReply, HealthRequest
from shared.logging import configure_logging
from shared.messaging.broker import make_broker, start_with_retry, stop_quietly
from shared.messaging.rpc import respond
from shared.service import package_version


def bootstrap(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    broker = make_broker(settings)

    async def health(_request: HealthRequest) -> HealthReply:
        return HealthReply(service="gateway", status="ok", version=package_version())

    respond(broker, contracts.HEALTH, health)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await start_with_retry(broker)
        yield
        await stop_quietly(broker)

    app = create_app(ServiceClient(broker, settings.request_timeout), lifespan=lifespan)
    app.state.broker = broker
    return app


def main() -> None:
    settings = GatewaySettings()
    configure_logging("gateway", json=settings.json_logs, level=settings.log_level)
    uvicorn.run(bootstrap(settings), host=settings.host, port=settings.port, log_level="warning")
