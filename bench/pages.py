"""B5 Seiten: the new web pages under 16 signed-in users (sign-in excluded), with `wrk`.

(a) the moderator's member table of a list with N members (`/moderation/<list>/mitglieder`, 50 a page, the pages in
turn), (b) the board's "Lage" (`/lage`) over a year of data: G groups with about one action a month each, two
work-plan items each, O offices (every fifth with a counsellor), three survey campaigns, a year of weekly progress
reports. All four services run as their own processes on one nats-server; the data comes in as pages_seed.py says.
Both people are signed in once, as the browser tests do it (a session started in the gateway's SessionStore, the
board member's role granted there), and wrk sends the session cookie. Raw: the same page's bytes from memory by a
bare uvicorn + Starlette app in its own process, under the same load in the same run.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import pages_seed as seed
from bench.directory import load, raw_server, wrk_load
from bench.fanout import AnySink, seed_members
from bench.harness import healthy, nats, rss_mb, start
from bench.memory import SERVICES, gateway_answers
from beratungsnetz.runtime.ports import free_port
from beratungsnetz.runtime.processes import stop_process
from services.gateway.adapters.sessions import SessionStore
from shared.contracts import events as e
from shared.db import make_database
from shared.messaging.broker import make_broker, stop_quietly
from shared.settings import ServiceSettings


async def sign_in(database_url: str, now: datetime) -> dict[str, str]:
    """Session cookies for the moderator and the board member (the latter's role granted by the state office)."""
    database = make_database(database_url)
    try:
        store = SessionStore(database)
        await store.grant(seed.BOARD, "vorstand", "landesbuero@beratungsnetz.example", now)
        return {who: f"bn_sitzung={await store.start(who, now)}" for who in (seed.MODERATOR, seed.BOARD)}
    finally:
        await database.dispose()


async def replicated(broker, groups: int, timeout: float = 300) -> None:
    """Action planning has taken in every group from the registry's stream."""
    deadline = time.monotonic() + timeout
    while len((await seed.ask(broker, e.GROUPS, e.GroupsQuery())).groups) < groups:
        if time.monotonic() > deadline:
            raise RuntimeError("B5 Seiten: die Aktionsplanung hat die Regionalgruppen nicht übernommen")
        await asyncio.sleep(0.5)


def fetched(url: str, cookie: str, must_show: str, patience: float = 60) -> bytes:
    """The page as the signed-in person sees it; a 503 (a service that did not answer in time, e.g. still working
    off the load) is asked again for up to `patience` seconds."""
    deadline = time.monotonic() + patience
    while True:
        response = httpx.get(url, headers={"Cookie": cookie}, timeout=120, follow_redirects=False)
        if response.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(1)
    if response.status_code != 200 or must_show not in response.text:
        raise RuntimeError(f"B5 Seiten: {url} antwortet {response.status_code}: {response.text[:300]}")
    return response.content


async def measure(url: str, cookie: str, must_show: str, pages: int, clients: int, seconds: float, base: Path) -> dict:
    body = fetched(url, cookie, must_show)  # also the warm-up of the first page
    began = time.perf_counter()
    fetched(url, cookie, must_show)
    single = (time.perf_counter() - began) * 1000
    raw_process, raw_url = raw_server(body, base, "text/html; charset=utf-8")
    try:
        ours = wrk_load(clients, url, seconds, pages, base, cookie, timeout=30) or await load(
            clients, url, seconds, pages, cookie
        )
        raw = wrk_load(clients, raw_url, seconds, 1, base) or await load(clients, raw_url, seconds)
    finally:
        stop_process(raw_process)
    fetched(url, cookie, must_show)  # still signed in, still the page: wrk counts a 303 to the sign-in as success
    return {"bytes": len(body), "pages": pages, "single_ms": single, "ours": ours, "raw": raw}


async def run(members: int, groups: int, offices: int, clients: int = 16, seconds: float = 10) -> dict:
    with tempfile.TemporaryDirectory() as tmp, nats(Path(tmp)) as server:
        base, port, sink = Path(tmp), free_port(), AnySink(Path(tmp))
        settings = {
            "registry": {},
            "events": {"progress_reports": "false"},
            "notifications": {"secret_key": "x" * 40, "smtp_port": str(sink.port)},
            "gateway": {"port": str(port)},
        }
        processes = {name: start(name, server.url, base, **settings[name]) for name in SERVICES}
        broker = make_broker(ServiceSettings(nats_url=server.url))
        await broker.connect()
        sqlite = {name: f"sqlite+aiosqlite:///{base / name}.sqlite3" for name in SERVICES}
        results: dict = {"members": members, "groups": groups, "offices": offices, "clients": clients}
        try:
            for name in ("registry", "events", "notifications"):
                await healthy(broker, processes[name])
            await gateway_answers(port)
            began, now = time.perf_counter(), datetime.now(UTC)
            list_id = await seed.mailing_list(broker)
            await seed_members(sqlite["notifications"], members)
            group_ids = await seed.registry_year(broker, groups, offices, now.date())
            await replicated(broker, groups)
            results["actions"] = await seed.events_year(broker, sqlite["events"], group_ids, now)
            results["seed_s"] = time.perf_counter() - began
            cookies = await sign_in(sqlite["gateway"], now)
            gateway = f"http://127.0.0.1:{port}"
            results["mitglieder"] = await measure(
                f"{gateway}/moderation/{list_id}/mitglieder?status=aktiv",
                cookies[seed.MODERATOR],
                "mitglied00000@example.org",
                (members + 49) // 50,
                clients,
                seconds,
                base,
            )
            results["lage"] = await measure(
                f"{gateway}/lage", cookies[seed.BOARD], "Regionalgruppe 000", 1, clients, seconds, base
            )
            results["rss_loaded_mb"] = {name: rss_mb(p.pid) for name, p in processes.items()}
        finally:
            for process in processes.values():
                process.stop()
            await stop_quietly(broker)
            sink.stop()
    return results


if __name__ == "__main__":
    import os

    sizes = [int(v) for v in os.environ.get("B5_SEITEN", "1000,50,150").split(",")]
    print(json.dumps(asyncio.run(run(*sizes, seconds=float(os.environ.get("B5_SECONDS", "5")))), indent=1))
