"""`python -m bench` (or `make bench`): runs the benchmarks and prints their tables.

Each benchmark runs the raw library beside our code in the same run and reports the ratio, because
these machines are shared and absolute times wander. `--quick` runs smaller sizes (for a smoke test);
`--json FILE` writes every figure for scripts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench import directory, fanout, ingest, latency, outbox_relay, pages
from bench import memory as memory_bench

FULL = {"b1": 50_000, "b2": 10_000, "b3": 1_000, "b4": 100_000, "b5": 10_000, "b5seiten": (10_000, 500, 1_500)}
QUICK = {"b1": 2_000, "b2": 500, "b3": 100, "b4": 4_000, "b5": 1_000, "b5seiten": (1_000, 50, 150)}
EVERY = ["outbox", "b1", "b2", "b3", "b4", "b5", "b5seiten", "speicher"]


def num(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}".replace(",", "X").replace(".", ",").replace("X", ".")


def verdict(met: bool) -> str:
    return "[green]ja[/]" if met else "[red]nein[/]"


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmarks, als Verhältnis zur rohen Bibliothek im selben Lauf")
    parser.add_argument("--quick", action="store_true", help="kleine Größen, nur zum Ausprobieren")
    parser.add_argument(
        "--only",
        choices=EVERY,
        action="append",
        help="nur diese (mehrfach möglich)",
    )
    parser.add_argument("--json", type=Path, help="alle Werte zusätzlich als JSON in diese Datei")
    args = parser.parse_args()
    sizes, wanted = (
        (QUICK if args.quick else FULL),
        set(args.only or EVERY),
    )
    console, results, began = Console(width=170), {}, time.perf_counter()
    steps = [
        ("outbox", lambda: outbox_relay.run(1000)),
        ("b1", lambda: ingest.run(sizes["b1"])),
        ("b2", lambda: fanout.run(sizes["b2"])),
        ("b3", lambda: latency.run(sizes["b3"])),
        ("b4", lambda: ingest.run(sizes["b4"])),
        ("b5", lambda: directory.run(sizes["b5"])),
        ("b5seiten", lambda: pages.run(*sizes["b5seiten"])),
        ("speicher", memory_bench.run),
    ]
    for name, step in steps:
        if name in wanted:
            with console.status(f"{name.upper()} läuft …"):
                started = time.perf_counter()
                results[name] = asyncio.run(step())
                results[name]["wall_s"] = time.perf_counter() - started
            console.print(f"{name.upper()} fertig nach {results[name]['wall_s']:.0f} s")
            if args.json:  # after each step: a later failure keeps what was measured
                args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))

    table = Table(title=f"Beratungsnetz-Benchmarks {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.python_version()}")
    for column in ("Benchmark", "Unser Code", "Rohe Bibliothek", "Verhältnis", "Ziel", "erreicht"):
        table.add_column(column)
    if r := results.get("outbox"):
        table.add_row(
            f"Outbox+Relay, {num(r['n'])} Ereignisse",
            f"{num(r['ours_per_s'])}/s",
            f"{num(r['raw_per_s'])}/s",
            f"{num(r['ours_per_s'] / r['raw_per_s'], 2)}×",
            "≥ 0,5×",
            verdict(r["ours_per_s"] / r["raw_per_s"] >= 0.5),
        )
    if r := results.get("b1"):
        table.add_row(
            f"B1 Ingest, {num(r['n'])} Ereignisse",
            f"{num(r['ours_per_s'])}/s",
            f"{num(r['raw_per_s'])}/s",
            f"{num(r['ratio'], 3)}×",
            "≥ 0,25×",
            verdict(r["ratio"] >= 0.25),
        )
    if r := results.get("b2"):
        table.add_row(
            f"B2 Fan-out, {num(r['n'])} Empfänger ({r['sink']})",
            f"{num(r['ours_per_s'])}/s; erste Mail nach {num(r['first_mail_s'], 1)} s, letzte nach "
            f"{num(r['last_mail_s'], 1)} s",
            f"{num(r['raw_per_s'])}/s",
            f"{num(r['ratio'], 2)}×",
            "≥ 1,5×",
            verdict(r["ratio"] >= 1.5),
        )
    if r := results.get("b3"):
        table.add_row(
            f"B3 Latenz, {num(r['n'])} Aktionen",
            f"p50 {num(r['p50'])} / p95 {num(r['p95'])} / p99 {num(r['p99'])} ms",
            "–",
            "–",
            "p99 ≤ 250 ms",
            verdict(r["p99"] <= 250),
        )
    if r := results.get("b4"):
        table.add_row(
            f"B4 Aufholen, {num(r['n'])} Ereignisse",
            f"{num(r['catch_up_s'], 1)} s",
            f"roher Konsument {num(r['n'] / r['raw_per_s'], 1)} s",
            f"{num(r['n'] / r['raw_per_s'] / r['catch_up_s'], 3)}×",
            f"≤ {num(20 * r['n'] / 100_000)} s" + ("" if r["n"] == 100_000 else " (20 s je 100.000)"),
            verdict(r["catch_up_s"] <= 20 * r["n"] / 100_000),
        )
    if r := results.get("b5"):
        for kind in ("JSON", "HSDS"):
            ours, raw = r[kind]["ours"], r[kind]["raw"]
            table.add_row(
                f"B5 {kind}, {num(r['n'])} Stellen, {r['clients']} Verbindungen ({ours.get('tool', 'httpx')})",
                f"p50 {num(ours['p50'], 1)} / p99 {num(ours['p99'], 1)} ms, {num(ours['per_s'])}/s",
                f"p99 {num(raw['p99'], 1)} ms, {num(raw['per_s'])}/s",
                f"{num(ours['per_s'] / raw['per_s'], 2)}× (Anfragen/s)",
                "p99 ≤ 50 ms",
                verdict(ours["p99"] <= 50),
            )
    if r := results.get("b5seiten"):
        for key, what in (
            ("mitglieder", f"Mitgliedertabelle, Verteiler mit {num(r['members'])} Mitgliedern"),
            (
                "lage",
                f"Lage, ein Jahr: {num(r['groups'])} Gruppen, {num(r['actions'])} Aktionen, {num(r['offices'])} Stellen",
            ),
        ):
            ours, raw = r[key]["ours"], r[key]["raw"]
            table.add_row(
                f"B5 Seiten {what}, {r['clients']} Verbindungen angemeldet ({ours.get('tool', 'httpx')})",
                f"p50 {num(ours['p50'], 1)} / p99 {num(ours['p99'], 1)} ms, {num(ours['per_s'], 1)}/s"
                + (f", {num(ours['errors'])} Fehler" if ours["errors"] else ""),
                f"p99 {num(raw['p99'], 1)} ms, {num(raw['per_s'])}/s",
                f"{num(ours['per_s'] / raw['per_s'], 3)}× (Anfragen/s)",
                "p99 ≤ 100 ms",
                verdict(ours["p99"] <= 100 and not ours["errors"]),
            )
    console.print(table)

    memory = Table(title="Speicher (RSS) je Dienst, MB")
    for column in ("Dienst", "Leerlauf", "unter Last", "Ziel Leerlauf ≤ 120 MB"):
        memory.add_column(column)
    idle = {
        **results.get("b3", {}).get("rss_idle_mb", {}),
        **results.get("b5", {}).get("rss_idle_mb", {}),
        **results.get("speicher", {}).get("rss_idle_mb", {}),  # all four alike, measured on their own
    }
    loaded = {
        "events": ("B1", results.get("b1", {}).get("rss_peak_mb")),
        "notifications": ("B2", results.get("b2", {}).get("rss_peak_mb")),
        "registry": (
            f"B5, {num(sizes['b5'])} Stellen geladen",
            results.get("b5", {}).get("rss_loaded_mb", {}).get("registry"),
        ),
        "gateway": ("B5", results.get("b5", {}).get("rss_loaded_mb", {}).get("gateway")),
    }
    for service in ("registry", "events", "notifications", "gateway"):
        during, value = loaded[service]
        memory.add_row(
            service,
            num(idle[service]) if service in idle else "–",
            f"{num(value)} ({during})" if value else "–",
            verdict(idle[service] <= 120) if service in idle else "–",
        )
    console.print(memory)
    console.print(f"Gesamtdauer: {time.perf_counter() - began:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
