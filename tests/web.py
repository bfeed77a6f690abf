"""Helpers for tests of the gateway's web pages: the gateway app in-process (httpx over ASGI) against a
real nats-server, with the real services it asks started in-process too, a real SMTP server, one clock
per service that `advance` moves together, and a signed-in person without the sign-in mail.

    async with web_system(nats_server, tmp_path) as system:
        http = await signed_in(system, "kathrin@example.org")
        page = await http.get("/aufgaben")
        done = await form_post(http, "/sitzung/beenden", {})
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any

import httpx

from services.gateway.bootstrap import bootstrap as gateway_app
from services.gateway.config import GatewaySettings
from shared.clock import Clock
from shared.messaging.rpc import request
from tests.smtp import Received, SmtpServer
from tests.support import test_start_text

ORIGIN = "http://gateway"  # the in-process gateway's own origin (its base URL and `public_url`)
SECRET = "x" * 40
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class WebSystem:
    app: Any  # the gateway's FastAPI app
    http: httpx.AsyncClient  # a browser without a session
    broker: Any  # the test's own broker (connected)
    smtp: SmtpServer
    services: dict[str, Any] = field(default_factory=dict)  # name -> started ServiceApp
    clocks: list[Clock] = field(default_factory=list)
    tmp_path: Path | None = None
    _clients: list[httpx.AsyncClient] = field(default_factory=list)

    @property
    def sessions(self) -> Any:
        """The gateway's SessionStore."""
        return self.app.state.web.sessions

    @property
    def clock(self) -> Clock:
        return self.app.state.clock

    def advance(self, delta: timedelta) -> None:
        """Every process's clock moves on by `delta`."""
        for clock in self.clocks:
            clock.advance(delta)

    def browser(self) -> httpx.AsyncClient:
        """Another browser (own cookies) on the same gateway."""
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=ORIGIN, timeout=20)
        self._clients.append(client)
        return client

    async def ask(self, spec: Any, payload: Any, actor: str = "test") -> Any:
        reply = await request(self.broker, spec, payload, timeout=10, actor=actor)
        assert reply.ok, reply.error
        return reply.data

    async def mail(self, recipient: str, subject_part: str, timeout: float = 15) -> Received:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for got in self.smtp.mailbox.to(recipient):
                if subject_part in got.message["Subject"]:
                    return got
            await asyncio.sleep(0.05)
        seen = [(x.recipient, x.message["Subject"]) for x in self.smtp.mailbox.received]
        raise AssertionError(f"keine Mail „{subject_part}“ an {recipient}; angekommen: {seen}")


def _service_settings(name: str, nats_url: str, tmp_path: Path, **extra: Any) -> Any:
    common = {
        "nats_url": nats_url,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / f'{name}.sqlite3'}",
        "environment": "test",
        "clock_start": test_start_text(),
        "secret_key": SECRET,
        **extra,
    }
    if name == "notifications":
        from services.notifications.config import NotificationsSettings

        return NotificationsSettings(**common)
    if name == "registry":
        from services.registry.config import RegistrySettings

        return RegistrySettings(**common)
    from services.events.config import EventsSettings

    return EventsSettings(**common)


def _service_app(name: str, settings: Any) -> Any:
    if name == "notifications":
        from services.notifications.bootstrap import bootstrap
    elif name == "registry":
        from services.registry.bootstrap import bootstrap
    else:
        from services.events.bootstrap import bootstrap
    return bootstrap(settings)


@asynccontextmanager
async def web_system(
    nats_server: Any,
    broker: Any,
    tmp_path: Path,
    services: Iterable[str] = ("notifications", "registry"),
    service_settings: dict[str, dict[str, Any]] | None = None,
    **gateway_settings: Any,
) -> AsyncIterator[WebSystem]:
    """The gateway (in-process, lifespan run) and `services` (started in-process) on `nats_server`; a real SMTP
    server that the notifications service sends to. `gateway_settings` override GatewaySettings fields,
    `service_settings` a service's settings (e.g. `{"events": {"scheduler_seconds": 0.2}}`)."""
    smtp = SmtpServer().start()
    async with AsyncExitStack() as stack:
        stack.callback(smtp.stop)
        await broker.connect()
        started: dict[str, Any] = {}
        for name in services:
            extra: dict[str, Any] = {}
            if name == "notifications":
                extra = {"smtp_port": smtp.port, "public_url": ORIGIN, "delivery_poll_seconds": 0.1}
            extra |= (service_settings or {}).get(name, {})
            service = _service_app(name, _service_settings(name, nats_server.url, tmp_path, **extra))
            await service.start()
            stack.push_async_callback(service.stop)
            started[name] = service
        settings = GatewaySettings(
            nats_url=nats_server.url,
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.sqlite3'}",
            environment="test",
            clock_start=test_start_text(),
            secret_key=SECRET,
            public_url=ORIGIN,
            request_timeout=2.0,
            **gateway_settings,
        )
        app = gateway_app(settings)
        await stack.enter_async_context(app.router.lifespan_context(app))
        system = WebSystem(
            app=app,
            http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN, timeout=20),
            broker=broker,
            smtp=smtp,
            services=started,
            clocks=[app.state.clock, *(s.clock for s in started.values())],
            tmp_path=tmp_path,
        )
        system._clients.append(system.http)
        try:
            yield system
        finally:
            for client in system._clients:
                await client.aclose()


async def signed_in(system: WebSystem, address: str, http: httpx.AsyncClient | None = None) -> httpx.AsyncClient:
    """A browser with a session for `address`, started directly in the SessionStore (no sign-in mail)."""
    http = http or system.browser()
    secret = await system.sessions.start(address, system.clock.now())
    http.cookies.set("bn_sitzung", secret, domain="gateway.local")  # how the cookie jar names a host without dots
    return http


async def csrf_token(http: httpx.AsyncClient, page: str = "/") -> str:
    """The browser's CSRF token (cookie `bn_csrf`), fetched with a page if it has none yet."""
    token = http.cookies.get("bn_csrf")
    if token is None:
        await http.get(page)
        token = http.cookies.get("bn_csrf")
    assert token, "kein Cookie bn_csrf"
    return token


def form_token(html: str) -> str:
    """The CSRF token a page's form carries."""
    found = CSRF.search(html)
    assert found, "kein csrf_token im Formular"
    return unescape(found.group(1))


async def form_post(
    http: httpx.AsyncClient, path: str, data: dict[str, Any], origin: str | None = None, **kwargs: Any
) -> httpx.Response:
    """POST a form as a browser does from the gateway's own page: with the CSRF token and the Origin."""
    token = await csrf_token(http)
    headers = {"Origin": origin or str(http.base_url).rstrip("/"), **kwargs.pop("headers", {})}
    return await http.post(path, data={"csrf_token": token, **data}, headers=headers, **kwargs)
