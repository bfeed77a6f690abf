"""Composition root of the gateway: its token database, the NATS client, FastAPI, uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from services.gateway.adapters import retention
from services.gateway.adapters.services import ServiceClient
from services.gateway.adapters.sessions import SessionStore
from services.gateway.adapters.tokens import TokenStore
from services.gateway.config import GatewaySettings
from services.gateway.entrypoints.http import create_app
from services.gateway.entrypoints.web.clients import trusted_networks
from services.gateway.entrypoints.web.context import Web
from services.gateway.service_layer import tokens
from shared import keys
from shared.contracts import gateway as contracts
from shared.contracts.system import HealthReply, HealthRequest
from shared.db import make_database, upgrade
from shared.logging import configure_logging, get_logger
from shared.messaging.broker import make_broker, start_with_retry, stop_quietly
from shared.messaging.rpc import respond
from shared.retention import retention_job
from shared.service import freeze_startup_heap, package_version

log = get_logger(__name__)


def bootstrap(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    broker = make_broker(settings)
    database = make_database(settings.database_url, schema=settings.database_schema)
    store = TokenStore(database)
    idle = timedelta(hours=settings.session_idle_hours)
    sessions = SessionStore(database, idle=idle)
    clock = settings.clock()
    client = ServiceClient(broker, settings.request_timeout)
    web = Web(
        client=client,
        sessions=sessions,
        tokens=store,
        clock=clock,
        secret_key=settings.fingerprint_secret(),  # log lines name addresses by their fingerprint
        session_keys=settings.keys(keys.SESSIONS),
        public_url=settings.public_url,
        admin_address=settings.admin_address,
        secure_cookies=settings.secure_cookies,
        session_idle=idle,
        mailbox_dir=Path(settings.mailbox_dir) if settings.mailbox_dir else None,
        embed_frame_ancestors=settings.embed_frame_ancestors,
        trusted_proxies=trusted_networks(settings.trusted_proxies),
    )

    async def health(_request: HealthRequest) -> HealthReply:
        return HealthReply(service="gateway", status="ok", version=package_version(), instance=settings.instance_id)

    respond(broker, contracts.HEALTH, health)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await upgrade(database, "gateway")
        preset = settings.admin_token.get_secret_value() if settings.admin_token else None
        try:
            if await tokens.ensure_admin(store, settings.admin_address, preset, clock.now()) and not preset:
                log.warning(
                    "gateway.admin_token_created",
                    hint="kein ADMIN_TOKEN gesetzt; neues Token nur über die Datenbank zu ersetzen",
                )
        except tokens.PresetRevoked as exc:  # a revoked token is no reason not to start
            log.warning("gateway.admin_token_revoked", hint=exc.message, admin_vorhanden=await store.has_admin())
        await start_with_retry(broker, retry=settings.retry())
        rules = retention.rules(
            database, expired_days=settings.retention_expired_days, sign_in_valid=sessions.sign_in_valid, idle=idle
        )
        job = asyncio.create_task(retention_job("gateway", rules, clock.now, settings.retention_check_seconds)())
        freeze_startup_heap()  # after everything the gateway builds at start (shared/service.py)
        yield
        await web.background.settle()  # what public forms started after answering still reaches the services
        job.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await job
        await stop_quietly(broker)
        await database.dispose()

    app = create_app(
        client,
        store,
        lifespan=lifespan,
        directory_max_age=settings.directory_max_age,
        instance=settings.instance_id,
        clock=clock,
        web=web,
    )
    app.state.broker = broker
    app.state.clock = clock
    return app


def listening_socket(settings: GatewaySettings) -> socket.socket:
    """The socket handed over by `beratungsnetz up`, else HOST:PORT bound here, before anything starts."""
    if settings.listen_fd is not None:
        return socket.socket(fileno=settings.listen_fd)
    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        sys.exit(f"Gateway: Port {settings.port} auf {settings.host} ist nicht zu bekommen ({exc.strerror}).")
    return sock


def main() -> None:
    settings = GatewaySettings()
    configure_logging("gateway", json=settings.json_logs, level=settings.log_level)
    sock = listening_socket(settings)
    uvicorn.Server(uvicorn.Config(bootstrap(settings), log_level="warning", proxy_headers=False)).run(sockets=[sock])
