"""Declare the federal stream on the hub: every state's action and progress events, kept apart by state.

    python -m beratungsnetz.runtime.federation --hub nats://hub:4222 --user bund --password … sn hh nw

Run again with more states to add them; the stream is updated in place.
"""

from __future__ import annotations

import argparse
import asyncio
import os

import nats
from nats.js.api import ExternalStream, StorageType, StreamConfig, StreamSource, SubjectTransform
from nats.js.errors import BadRequestError

FEDERAL_STREAM = "BUND"
SOURCED = ("events.action.>", "events.progress.>")


def federal_stream(domains: list[str]) -> StreamConfig:
    sources = [
        StreamSource(
            name="EVENTS",
            external=ExternalStream(api=f"$JS.{domain}.API"),
            subject_transforms=[SubjectTransform(src=s, dest=f"{domain}.{s}") for s in SOURCED],
        )
        for domain in domains
    ]
    return StreamConfig(
        name=FEDERAL_STREAM,
        description="Aktionen und Fortschrittsberichte aller Landesverbände",
        storage=StorageType.FILE,
        sources=sources,
    )


async def declare(js, domains: list[str]) -> None:  # noqa: ANN001
    config = federal_stream(domains)
    try:
        await js.add_stream(config)
    except BadRequestError as exc:
        if exc.err_code != 10058:
            raise
        await js.update_stream(config)


async def main() -> None:
    parser = argparse.ArgumentParser(description="Bundesweiten Stream auf dem Hub anlegen oder erweitern")
    parser.add_argument("--hub", default=os.environ.get("BUND_NATS_URL", "nats://127.0.0.1:4222"))
    parser.add_argument("--user", default="bund")
    parser.add_argument("--password", default=os.environ.get("BUND_NATS_PASSWORD"))
    parser.add_argument("domains", nargs="+", help="JetStream-Domänen der Landesverbände, z. B. sn hh nw")
    args = parser.parse_args()
    nc = await nats.connect(args.hub, user=args.user, password=args.password)
    try:
        await declare(nc.jetstream(), args.domains)
        print(f"Stream {FEDERAL_STREAM} bezieht Aktionen und Fortschritt aus: {', '.join(args.domains)}")
    finally:
        await nc.close()


if __name__ == "__main__":
    asyncio.run(main())
