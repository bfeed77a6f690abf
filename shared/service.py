"""What every service process does alike: migrate, connect, declare, relay, answer health, stop.

A service's `bootstrap.py` builds a `ServiceApp` from its parts and calls `run_service`.
Nothing here runs at import time.
"""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from nats.errors import Error as NatsError
from nats.js.errors import NotFoundError
from sqlalchemy import Table

from shared.clock import Clock
from shared.contracts import PRODUCERS
from shared.contracts.system import HealthReply, HealthRequest
from shared.db import Database, make_database, upgrade
from shared.db.unit_of_work import MessagingTables
from shared.logging import configure_logging, get_logger
from shared.messaging.broker import inbox_prefix, make_broker, start_with_retry, stop_quietly
from shared.messaging.consumer import BatchHandler, DeliveryPolicy, EventConsumer
from shared.messaging.deadletter import DeadLetters
from shared.messaging.erasure import scrub_job
from shared.messaging.outbox import OutboxRelay, jetstream_publisher
from shared.messaging.rpc import respond
from shared.messaging.streams import deadletter_stream_name, declare_owned_streams, stream_name
from shared.retention import Rule, outbox_rule, retention_job
from shared.retry import RetryPolicy
from shared.settings import ServiceSettings

log = get_logger(__name__)


def package_version() -> str:
    try:
        return version("beratungsnetz")
    except PackageNotFoundError:
        return "0+unbekannt"


@dataclass
class ServiceApp:
    name: str
    settings: ServiceSettings
    broker: Any
    database: Database
    relay: OutboxRelay
    stream_replicas: int = 1
    clock: Clock = field(default_factory=Clock)  # the one time source of this process (settings.clock())
    consumers: list[EventConsumer] = field(default_factory=list)  # attached once their producer's stream exists
    on_started: list[Callable[[], Awaitable[object]]] = field(default_factory=list)  # run once the broker is up
    background: list[Callable[[], Awaitable[object]]] = field(default_factory=list)  # long-running jobs
    retention: list[Rule] = field(default_factory=list)  # what the periodic retention job deletes (shared/retention.py)
    readers: list[tuple[str, str, str]] = field(default_factory=list)  # (stream, name, filter): read-once consumers
    scrubs: Table | None = (
        None  # erasure notes: the job below scrubs the service's own streams (shared/messaging/erasure.py)
    )
    _tasks: list[asyncio.Task] = field(default_factory=list)
    _waiting_for: set[str] = field(default_factory=set)
    fatal: asyncio.Future | None = None  # set when a job the service cannot run without fails

    def __post_init__(self) -> None:
        respond(self.broker, PRODUCERS[self.name].HEALTH, self.health)

    def consume(
        self,
        payload: type,
        handler: Callable[[Any], Awaitable[None]],
        policy: DeliveryPolicy = DeliveryPolicy(),
        apply_many: BatchHandler | None = None,
    ) -> None:
        """Consume another service's event; failures follow the delivery policy and end as dead letters.

        With `apply_many`, the messages of one fetch are first applied together in one transaction
        (`policy.batch_size` of them at most, shared/messaging/batches.py); `handler` then only handles a failed
        batch's messages alone, and redeliveries.
        """
        deadletters = DeadLetters(self.broker, self.name)
        inbox = inbox_prefix(self.settings.nats_user) if self.settings.nats_user else "_INBOX"
        self.consumers.append(EventConsumer(payload, self.name, handler, deadletters, policy, apply_many, inbox))

    @property
    def retry(self) -> RetryPolicy:
        return self.settings.retry()

    @property
    def consumes_from(self) -> list[str]:
        return list(dict.fromkeys(c.stream.name for c in self.consumers))

    @classmethod
    def assemble(cls, name: str, settings: ServiceSettings, messaging: MessagingTables) -> ServiceApp:
        """The parts every service has: database, broker, outbox relay, health responder."""
        database = make_database(settings.database_url, schema=settings.database_schema)
        broker = make_broker(settings)
        clock = settings.clock()
        relay = OutboxRelay(
            database,
            messaging.outbox,
            jetstream_publisher(broker),
            poll_seconds=settings.outbox_poll_seconds,
            retry=settings.retry(),
            now=clock.now,
        )
        app = cls(name, settings, broker, database, relay, stream_replicas=settings.stream_replicas, clock=clock)
        app.retention.append(outbox_rule(database, messaging.outbox, settings.retention_outbox_days))
        app.scrubs = messaging.scrubs
        return app

    async def health(self, _request: HealthRequest) -> HealthReply:
        checks = {"nats": "ok" if self.broker.connection.is_connected else "getrennt"}
        if self._waiting_for:
            checks["ereignisse"] = "wartet auf " + ", ".join(sorted(self._waiting_for))
        if failing := [f"{c.durable}: {c.failing}" for c in self.consumers if c.failing]:
            checks["verarbeitung"] = "Fehler, wird wiederholt – " + "; ".join(failing)[:300]
        try:
            checks["outbox_ausstehend"] = str(await self.relay.pending_count())
            checks["datenbank"] = "ok"
        except Exception as exc:  # reported, not raised: health must answer  # noqa: BLE001 - any failure here is logged and retried, never lost
            checks["datenbank"] = f"Fehler: {exc!r}"[:200]
        status = (
            "ok"
            if all(v == "ok" for k, v in checks.items() if k not in ("outbox_ausstehend", "ereignisse"))
            else "beeinträchtigt"
        )
        return HealthReply(
            service=self.name,
            status=status,
            version=package_version(),
            checks=checks,
            instance=self.settings.instance_id,
        )

    async def start(self) -> None:
        self.fatal = asyncio.get_running_loop().create_future()
        await upgrade(self.database, self.name)
        await start_with_retry(self.broker, retry=self.retry, connect_only=True)
        js = self.broker.connection.jetstream()
        await declare_owned_streams(
            js,
            self.name,
            self.stream_replicas,
            retry=self.retry,
            deadletter_max_age=self.settings.retention_deadletter_days * 24 * 3600,
        )
        await self.broker.start()  # health and commands answer at once, whoever else is up
        self._tasks.append(asyncio.create_task(self.relay.run(), name=f"{self.name}-outbox-relay"))
        self._tasks.append(asyncio.create_task(self._attach_consumers(js), name=f"{self.name}-consumers"))
        for task in self.on_started:
            await task()
        jobs = [*self.background]
        if self.retention:
            jobs.append(retention_job(self.name, self.retention, self.clock.now, self.settings.retention_check_seconds))
        if self.scrubs is not None:
            jobs.append(
                scrub_job(
                    self.name,
                    self.database,
                    self.scrubs,
                    self.broker.connection.jetstream,
                    [stream_name(self.name), deadletter_stream_name(self.name)],
                    self.clock.now,
                    self.settings.erasure_scrub_seconds,
                    timedelta(seconds=self.settings.erasure_scrub_grace_seconds),
                )
            )
        for job in jobs:
            self._tasks.append(asyncio.create_task(job(), name=f"{self.name}-{getattr(job, '__name__', 'job')}"))
        log.info("service.started", nats=self.settings.nats_url, database=self.database.dialect)

    async def _attach_consumers(self, js: Any) -> None:
        """Bind to each producer's stream once it exists (its owner declares it), then start consuming."""
        self._waiting_for = set(self.consumes_from)
        try:
            for stream in self.consumes_from:
                await wait_for_streams(js, [stream], retry=self.retry)
                for consumer in (c for c in self.consumers if c.stream.name == stream):
                    await _start_consumer(consumer.attach(self.broker), self.retry)
                self._waiting_for.discard(stream)
                log.info("consumers.attached", stream=stream)
        except Exception as exc:
            log.exception("consumers.failed")
            self.fatal.set_exception(exc)  # a service that cannot consume must not pretend to run

    async def stop(self) -> None:
        # Cancel until every task has ended: a cancel that lands while a NATS request's own timeout fires comes
        # back as TimeoutError (asyncio.wait_for, Python 3.11), and a loop that retries on timeouts (waiting for a
        # stream) would then go on forever and the service would never stop.
        pending = set(self._tasks)
        for _ in range(100):
            for task in pending:
                task.cancel()
            _done, pending = await asyncio.wait(pending, timeout=0.1) if pending else (set(), set())
            if not pending:
                break
        if pending:
            log.warning("service.tasks_not_stopped", count=len(pending))
        for consumer in self.consumers:  # our own fetch loops; FastStream's subscribers stop with the broker
            await consumer.stop()
        await stop_quietly(self.broker)
        await self.database.dispose()
        log.info("service.stopped")


async def wait_for_streams(js: Any, names: list[str], *, retry: RetryPolicy) -> None:
    """Consumers bind to streams their producers declare; wait until those exist.

    A timeout means the same as "not found yet": a cluster electing leaders answers slowly for a moment.
    """
    for name in names:
        not_yet = (NotFoundError, TimeoutError, NatsError)
        async for attempt in retry.forever(*not_yet, event="stream.waiting", level="info", stream=name):
            with attempt:
                await js.stream_info(name)


async def _start_consumer(subscriber: Any, retry: RetryPolicy) -> None:
    """A cluster electing leaders answers slowly for a moment; keep trying before giving up."""
    async for attempt in retry.bounded(TimeoutError, NatsError, event="consumer.retry"):
        with attempt:
            await subscriber.start()


def freeze_startup_heap() -> None:
    """Moves every object made while starting (modules, routes, templates, models) out of the garbage collector's
    reach (`gc.freeze`). They live as long as the process anyway; left in the oldest generation, each full collection
    walks them all again. In the gateway under load that walk was the tail of the latency: B5 p99 141 ms before, 34 ms
    after, p50 unchanged (BENCHMARKS.md)."""
    gc.collect()
    gc.freeze()


def run_service(app: ServiceApp) -> None:
    """Run until SIGTERM or SIGINT, then stop cleanly."""
    configure_logging(app.name, json=app.settings.json_logs, level=app.settings.log_level)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def stopping(sig: signal.Signals) -> None:
            log.info("service.signal", signal=sig.name)
            stop.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping, sig)
        await app.start()
        freeze_startup_heap()
        try:
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait([stopping, app.fatal], return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
        finally:
            await app.stop()
        if app.fatal.done() and app.fatal.exception():
            raise SystemExit(1)

    asyncio.run(main())
