"""Container health check: ask a service for its health over NATS, with that service's own settings.

python -m beratungsnetz.runtime.healthcheck registry     (exit 0 healthy, 1 not)
"""

from __future__ import annotations

import asyncio
import sys

from pydantic_settings import SettingsConfigDict

from shared.contracts import PRODUCERS
from shared.contracts.system import HealthRequest
from shared.messaging.broker import make_broker, stop_quietly
from shared.messaging.rpc import ServiceUnavailable, request
from shared.settings import ServiceSettings


async def healthy(service: str) -> bool:
    class Settings(ServiceSettings):
        model_config = SettingsConfigDict(env_prefix=f"BERATUNGSNETZ_{service.upper()}_", extra="ignore")
        needs_database = False

    broker = make_broker(Settings())
    try:
        await asyncio.wait_for(broker.connect(), 5)
        reply = await request(broker, PRODUCERS[service].HEALTH, HealthRequest(), timeout=3)
        return bool(reply.ok and reply.data.status == "ok")
    except (ServiceUnavailable, OSError, TimeoutError):
        return False
    finally:
        await stop_quietly(broker)


def main() -> None:
    service = sys.argv[1] if len(sys.argv) > 1 else ""
    if service not in PRODUCERS:
        print(f"Aufruf: python -m beratungsnetz.runtime.healthcheck {{{'|'.join(PRODUCERS)}}}", file=sys.stderr)
        sys.exit(2)
    sys.exit(0 if asyncio.run(healthy(service)) else 1)


if __name__ == "__main__":
    main()
