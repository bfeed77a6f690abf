"""The system under test: nats-server, the services and the gateway as processes, an SMTP sink.

Everything runs on free loopback ports with its SQLite files, logs and NATS store in one directory.
Every child dies with the drill (PR_SET_PDEATHSIG) and `stop()` ends whatever is left, so neither
Ctrl-C nor an exception leaves processes behind.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from pathlib import Path
from typing import Any

import httpx
from nats.errors import Error as NatsError

from beratungsnetz.runtime.nats_server import NatsServer
from beratungsnetz.runtime.ports import free_port
from beratungsnetz.runtime.processes import ChildProcess, service_process, wait_healthy
from beratungsnetz.runtime.processes import health as service_health
from drill.sink import Sink
from shared.contracts import notifications as n
from shared.contracts.system import HealthReply
from shared.messaging.broker import make_broker, stop_quietly
from shared.messaging.rpc import ServiceUnavailable, request
from shared.messaging.streams import declare_owned_streams
from shared.settings import TEST_SUITE_ENV, ServiceSettings

SERVICES = ("registry", "events", "notifications")
LIST_DOMAIN = "listen.drill.example"  # list addresses: <list id>@LIST_DOMAIN
STREAMS = ("REGISTRY", "EVENTS", "NOTIFICATIONS")
REPO = Path(__file__).resolve().parent.parent

# The drill runs the services in the test environment, as the test suite does: the marker without which
# `ENVIRONMENT=test` is refused (shared/settings.py), inherited by the service processes started here.
os.environ[TEST_SUITE_ENV] = "1"


class System:
    def __init__(
        self,
        base: Path,
        services: tuple[str, ...] = (*SERVICES, "gateway"),
        smtp: bool = True,
        settings: dict[str, dict[str, str]] | None = None,
        piped: tuple[str, ...] = (),
        declare: tuple[str, ...] = (),
    ) -> None:
        self.base, self.services, self.settings, self.piped = base, services, settings or {}, piped
        self.declare = declare  # streams of producers that do not run in this drill: the drill declares them
        base.mkdir(parents=True, exist_ok=True)
        self.nats = NatsServer(base / "nats", log_file=base / "nats-server.log")
        self.sink = Sink(free_port(), base / "mails.tsv", base / "smtp-sink.log") if smtp else None
        self.gateway_port = free_port()
        self.lmtp_port = free_port()  # the lists' inbox (issue 20): posts by mail, as Postfix hands them on
        self.admin_token = secrets.token_urlsafe(24)
        self.processes: dict[str, ChildProcess] = {}
        self.broker: Any = None
        self.http: httpx.AsyncClient | None = None

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    # --- start and stop -------------------------------------------------------------------

    async def start(self) -> None:
        self.nats.start()
        if self.sink:
            self.sink.start()
        settings = ServiceSettings(nats_url=self.nats.url)
        self.broker = make_broker(settings)
        await self.broker.connect()
        for producer in self.declare:
            await declare_owned_streams(self.broker.connection.jetstream(), producer, retry=settings.retry())
        self.http = httpx.AsyncClient(
            base_url=self.gateway_url, timeout=10, headers={"Authorization": f"Bearer {self.admin_token}"}
        )
        for name in self.services:
            self.processes[name] = self._process(name)
            self.processes[name].start()
        for name in self.services:
            await self.wait_ready(name, timeout=90)

    def _process(self, name: str) -> ChildProcess:
        values = {
            "nats_url": self.nats.url,
            "database_url": f"sqlite+aiosqlite:///{self.database(name)}",
            "environment": "test",
            "log_level": "WARNING",
        }
        if name == "notifications" and self.sink:
            values |= {"smtp_port": str(self.sink.port), "secret_key": "d" * 40, "public_url": self.gateway_url}
            values |= {"lmtp_port": str(self.lmtp_port), "mail_domain": LIST_DOMAIN}
        if name == "gateway":
            values |= {"port": str(self.gateway_port), "admin_token": self.admin_token}
        values |= self.settings.get(name, {})
        return service_process(name, values, self.base / f"{name}.log", cwd=REPO, piped=name in self.piped)

    def database(self, name: str) -> Path:
        return self.base / f"{name}.sqlite3"

    async def stop_services(self) -> None:
        """SIGTERM in reverse order, so relays and workers end cleanly; NATS and the sink stay."""
        for name in reversed(list(self.processes)):
            await asyncio.to_thread(self.processes[name].stop)

    async def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            try:
                process.stop(timeout=10)
            except Exception:  # noqa: BLE001 - whatever happens, the next one is still stopped
                process.kill()
        if self.http:
            await self.http.aclose()
        if self.broker is not None:
            await stop_quietly(self.broker, timeout=3)
        if self.sink:
            self.sink.stop()
        self.nats.stop()

    # --- health ---------------------------------------------------------------------------

    async def health(self, name: str, timeout: float = 1.0) -> HealthReply | None:
        return await service_health(self.broker, name, timeout)

    async def ready(self, name: str) -> bool:
        """Answers, is connected and consumes (a restarted service has bound to every stream it reads)."""
        if name == "gateway":
            assert self.http is not None
            try:
                return (await self.http.get("/api/v1/health", timeout=1)).status_code == 200
            except httpx.HTTPError:
                return False
        health = await self.health(name)
        return health is not None and health.status == "ok" and "ereignisse" not in health.checks

    async def wait_ready(self, name: str, timeout: float = 60) -> float:
        async def ready(process: ChildProcess) -> bool:
            return await self.ready(process.name)

        return await wait_healthy([self.processes[name]], ready, timeout, interval=0.05, error=RuntimeError)

    async def kill_and_restart(self, name: str) -> float:
        """SIGKILL, start again at once; seconds from the kill until it is ready again."""
        process = self.processes[name]
        killed_at = time.monotonic()
        process.kill()
        process.start()
        await self.wait_ready(name, timeout=90)
        return time.monotonic() - killed_at

    # --- caught up ------------------------------------------------------------------------

    async def backlog(self) -> dict[str, int]:
        """What is still on its way: outbox rows, unacknowledged stream messages, queued mails."""
        left: dict[str, int] = {}
        for name in (s for s in self.services if s != "gateway"):
            health = await self.health(name, timeout=3)
            if health is None or health.status != "ok" or "ereignisse" in health.checks:
                left[f"{name}: nicht bereit"] = 1
                continue
            left[f"{name}: Outbox"] = int(health.checks.get("outbox_ausstehend", "0"))
        js = self.broker.connection.jetstream()
        for stream in STREAMS:
            try:
                consumers = await js.consumers_info(stream)
            except (NatsError, OSError, TimeoutError):
                continue
            for info in consumers:
                left[f"{info.name}"] = info.num_pending + info.num_ack_pending
        if "notifications" in self.services and self.sink:
            try:
                stats = await request(self.broker, n.DELIVERY_STATS, n.StatsQuery(), timeout=3)
                left["notifications: Mails in der Warteschlange"] = stats.data.pending if stats.ok else 1
            except ServiceUnavailable:
                left["notifications: Mails in der Warteschlange"] = 1
        return {k: v for k, v in left.items() if v}

    async def wait_caught_up(self, timeout: float) -> tuple[float, dict[str, int]]:
        """Seconds until nothing is on its way any more (or the timeout, with what was left)."""
        started = time.monotonic()
        left: dict[str, int] = {"?": 1}
        self.backlog_trace: list[tuple[float, dict[str, int]]] = []
        while time.monotonic() - started < timeout:
            left = await self.backlog()
            if not self.backlog_trace or self.backlog_trace[-1][1] != left:
                self.backlog_trace.append((round(time.monotonic() - started, 2), left))
            if not left:
                return time.monotonic() - started, {}
            await asyncio.sleep(0.25)
        return time.monotonic() - started, left
