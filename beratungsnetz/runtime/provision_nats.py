"""Create or change the services' streams as the NATS operator user `betrieb` (deploy/nats/accounts.conf).

    BERATUNGSNETZ_NATS_URL=nats://nats-1:4222,… BERATUNGSNETZ_STREAM_REPLICAS=3 \\
    BERATUNGSNETZ_RETENTION_DEADLETTER_DAYS=30 BETRIEB_NATS_PASSWORD=… \\
    python -m beratungsnetz.runtime.provision_nats

A service may create its own streams but never change them (an UPDATE could add a RePublish into another service's
subjects). So a changed stream configuration (dead-letter age, replicas) reaches existing streams through this step,
run by the operator; a service that finds its stream different logs `stream.config_unchanged` and runs on.
"""

from __future__ import annotations

import asyncio
import os

import nats

from shared.messaging.broker import inbox_prefix
from shared.messaging.streams import declare_owned_streams
from shared.settings import ServiceSettings

OPERATOR = "betrieb"
SERVICES = ("registry", "notifications", "events")


async def provision(settings: ServiceSettings, password: str) -> None:
    nc = await nats.connect(
        [u.strip() for u in settings.nats_url.split(",") if u.strip()],
        user=OPERATOR,
        password=password,
        inbox_prefix=inbox_prefix(OPERATOR),
    )
    try:
        for service in SERVICES:
            await declare_owned_streams(
                nc.jetstream(),
                service,
                settings.stream_replicas,
                retry=settings.retry(),
                deadletter_max_age=settings.retention_deadletter_days * 24 * 3600,
            )
    finally:
        await nc.close()


def main() -> None:
    password = os.environ.get("BETRIEB_NATS_PASSWORD")
    if not password:
        raise SystemExit("BETRIEB_NATS_PASSWORD fehlt: das Passwort des NATS-Benutzers „betrieb“")
    asyncio.run(provision(ServiceSettings(), password))
    print("Streams angelegt bzw. angepasst:", ", ".join(SERVICES))


if __name__ == "__main__":
    main()
