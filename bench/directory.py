"""B5 directory: the public JSON and HSDS endpoints with N offices under 32 concurrent clients.

Registry and gateway run as their own processes; N offices come in through the registry's CSV import.
32 httpx clients each fetch the endpoint's pages (100 offices each, the default) in turn, in a loop for
a fixed time. Raw: a bare uvicorn + Starlette
app in its own process serving the same bytes from memory, fetched the same way in the same run.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.harness import healthy, nats, percentiles, rss_mb, start
from beratungsnetz.runtime.ports import free_port
from beratungsnetz.runtime.processes import stop_process
from shared.contracts import registry as r
from shared.messaging.broker import make_broker, stop_quietly
from shared.messaging.rpc import request
from shared.settings import ServiceSettings

HEADER = "Name;Trägerart;Träger;Straße;PLZ;Ort;Telefon;Sprechzeiten;Beratungsfelder\n"
CITIES = [("Plauen", "08523"), ("Leipzig", "04107"), ("Chemnitz", "09111"), ("Dresden", "01067"), ("Zwickau", "08056")]
ENDPOINTS = {"JSON": "/verzeichnis.json", "HSDS": "/verzeichnis.hsds.json"}


def offices_csv(start_at: int, count: int) -> str:
    rows = []
    for i in range(start_at, start_at + count):
        city, code = CITIES[i % len(CITIES)]
        rows.append(
            f"Sozialberatung {city} {i};Kreisverband;DIE LINKE {city};Hauptstraße {i % 200 + 1};{code};{city};"
            f"0341 {5550000 + i};dienstags 14–17 Uhr;Bürgergeld, Wohnen\n"
        )
    return HEADER + "".join(rows)


async def load(clients: int, url: str, seconds: float, pages: int = 1, cookie: str = "") -> dict:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Cookie": cookie} if cookie else None
    async with httpx.AsyncClient(timeout=30, limits=limits, headers=headers) as http:

        async def client(k: int) -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                k += clients
                began = time.perf_counter()
                response = await http.get(url, params={"seite": k % pages + 1} if pages > 1 else None)
                await response.aread()
                if response.status_code == 200:
                    latencies.append((time.perf_counter() - began) * 1000)
                else:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(client(k) for k in range(clients)))
        elapsed = time.perf_counter() - began
    if not latencies:
        raise RuntimeError(f"B5: keine erfolgreiche Antwort von {url} ({errors} Fehler)")
    return {"requests": len(latencies), "errors": errors, "per_s": len(latencies) / elapsed, **percentiles(latencies)}


WRK_SCRIPT = """
{headers}counter = {offset}
request = function()
  counter = counter + 1
  return wrk.format("GET", "{path}" .. ((counter % {pages}) + 1))
end
"""
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_load(
    clients: int, url: str, seconds: float, pages: int, base: Path, cookie: str = "", timeout: float = 2
) -> dict | None:
    """`wrk` (C, where installed) as the load generator: 32 Python clients would measure themselves. `cookie`:
    sent with every request (a signed-in session); `timeout`: a slower answer counts as an error, not a latency."""
    binary = shutil.which("wrk")
    if not binary:
        return None
    origin, _, path = url.partition("://")[2].partition("/")
    script = base / "pages.lua"
    query = "&" if "?" in path else "?"
    script.write_text(
        WRK_SCRIPT.format(
            headers=f'wrk.headers["Cookie"] = "{cookie}"\n' if cookie else "",
            offset=0,
            pages=pages,
            path=f"/{path}{query}seite=" if pages > 1 else f"/{path}{query}x=",
        )
    )
    out = subprocess.run(
        [
            binary,
            "-t",
            "2",
            "-c",
            str(clients),
            "-d",
            f"{seconds:.0f}s",
            "--latency",
            "--timeout",
            f"{timeout:.0f}s",
            "-s",
            str(script),
            f"http://{origin}/",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {q: float(v) * UNITS[u] for q, v, u in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests": total - errors,
        "errors": errors + (1 if socket_errors else 0),
        "per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": found["50"],
        "p90": found["90"],
        "p99": found["99"],
        "tool": "wrk",
        "non_2xx": errors,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


def warm(url: str, params: dict | None = None, seconds: float = 120) -> httpx.Response:
    """The first answer after an import: the registry renders the page then, on a loaded machine longer than the
    gateway waits (it answers 503 meanwhile, and the rendering goes on); asked again, it comes from memory."""
    deadline = time.monotonic() + seconds
    while True:
        response = httpx.get(url, params=params, timeout=60)
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        time.sleep(0.5)


def raw_server(body: bytes, base: Path, media_type: str = "application/json") -> tuple[subprocess.Popen, str]:
    """uvicorn + Starlette returning `body` from memory: the floor for an HTTP endpoint in Python."""
    port = free_port()
    (base / "raw.json").write_bytes(body)
    code = (
        "import pathlib, uvicorn\nfrom starlette.applications import Starlette\nfrom starlette.responses import Response\n"
        "from starlette.routing import Route\n"
        f"BODY = pathlib.Path({str(base / 'raw.json')!r}).read_bytes()\n"
        f"async def doc(request):\n    return Response(BODY, media_type={media_type!r})\n"
        f"uvicorn.run(Starlette(routes=[Route('/doc', doc)]), host='127.0.0.1', port={port}, log_level='warning')\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/doc"
    for _ in range(100):
        try:
            if httpx.get(url).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("B5: Vergleichsserver startet nicht")


async def run(count: int, clients: int = 32, seconds: float = 10) -> dict:
    with tempfile.TemporaryDirectory() as tmp, nats(Path(tmp)) as server:
        base = Path(tmp)
        port = free_port()
        registry = start("registry", server.url, base)
        gateway = start("gateway", server.url, base, port=str(port))
        broker = make_broker(ServiceSettings(nats_url=server.url))
        await broker.connect()
        results: dict = {"n": count, "clients": clients}
        try:
            await healthy(broker, registry)
            await asyncio.sleep(2)
            results["rss_idle_mb"] = {"gateway": rss_mb(gateway.pid)}
            for start_at in range(0, count, 1000):  # chunks: one command stays well below NATS' message size limit
                reply = await request(
                    broker,
                    r.IMPORT_OFFICES,
                    r.ImportOffices(csv=offices_csv(start_at, min(1000, count - start_at))),
                    timeout=300,
                    actor="bench",
                )
                if not reply.ok or reply.data.errors:
                    raise RuntimeError(f"B5: Import fehlgeschlagen: {reply.error or reply.data.errors[:3]}")
            gateway_url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(f"{gateway_url}/api/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            for name, path in ENDPOINTS.items():
                first = warm(gateway_url + path)
                if first.status_code != 200:
                    raise RuntimeError(f"B5: {path} antwortet {first.status_code}: {first.text[:300]}")
                pages = json.loads(first.content).get("seiten") or json.loads(first.content).get("total_pages") or 1
                began = time.perf_counter()  # warm-up: each page rendered once, as after a change to the register
                for number in range(1, pages + 1):
                    warm(gateway_url + path, {"seite": number}).raise_for_status()
                cold = time.perf_counter() - began
                raw_process, raw_url = raw_server(first.content, base)
                try:
                    ours = wrk_load(clients, gateway_url + path, seconds, pages, base) or await load(
                        clients, gateway_url + path, seconds, pages
                    )
                    raw = wrk_load(clients, raw_url, seconds, 1, base) or await load(clients, raw_url, seconds)
                    results[name] = {
                        "bytes": len(first.content),
                        "pages": pages,
                        "ours": ours,
                        "raw": raw,
                        "cold_all_pages_s": cold,
                    }
                finally:
                    stop_process(raw_process)
            results["rss_loaded_mb"] = {"registry": rss_mb(registry.pid), "gateway": rss_mb(gateway.pid)}
        finally:
            registry.stop()
            gateway.stop()
            await stop_quietly(broker)
    return results


if __name__ == "__main__":
    import os

    print(json.dumps(asyncio.run(run(int(os.environ.get("B5_N", "1000")), seconds=5)), indent=1))
