"""`python -m drill` (or `make drill`): runs the reliability drills one after another, prints the table."""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import signal
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from drill import report
from drill.result import Result

SCENARIOS = ("sigkill", "nats", "smtp", "malformed", "diskfull")


async def run_one(name: str, base: Path, args: argparse.Namespace) -> Result:
    if name == "sigkill":
        from drill import kill

        return await kill.run(base, args.rounds, args.seed)
    if name == "nats":
        from drill import nats_restart

        return await nats_restart.run(base, args.seed)
    if name == "smtp":
        from drill import smtp_outage

        return await smtp_outage.run(base, args.seed)
    if name == "malformed":
        from drill import malformed

        return await malformed.run(base, args.seed)
    from drill import disk_full

    return await disk_full.run(base, args.seed)


async def run_all(names: list[str], base: Path, args: argparse.Namespace) -> list[Result]:
    results = []
    for name in names:
        if not args.json:
            print(f"… {report.TITLES[name]}", file=sys.stderr, flush=True)
        result = await run_one(name, base, args)
        if not args.json:
            state = "Fehler: " + result.error if result.error else result.row()[-1]
            print(f"  fertig nach {result.seconds:.0f} s: {state}", file=sys.stderr, flush=True)
        results.append(result)
    return results


def _interrupted(*_: object) -> None:
    raise KeyboardInterrupt  # SIGTERM like Ctrl-C: every scenario's finally stops its processes


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m drill",
        description="Zuverlässigkeitsübungen: Dienste, NATS, SMTP und "
        "Datenbank werden absichtlich gestört; gezählt werden verlorene Ereignisse, doppelte Mails, "
        "Dead Letters und die Erholungszeit.",
    )
    parser.add_argument("--rounds", type=int, default=100, help="SIGKILL-Runden (Standard 100)")
    parser.add_argument("--only", choices=SCENARIOS, action="append", help="nur dieses Szenario (mehrfach möglich)")
    parser.add_argument("--seed", type=int, default=20261121, help="Zufallszahl für Last und Kill-Zeitpunkte")
    parser.add_argument("--json", action="store_true", help="Ergebnisse als JSON statt Tabelle")
    parser.add_argument("--report", type=Path, help="Ergebnisteil dieser Datei (RELIABILITY.md) neu schreiben")
    parser.add_argument("--keep", type=Path, help="Logs, Datenbanken und Mailprotokoll hier behalten")
    args = parser.parse_args()
    names = [s for s in SCENARIOS if not args.only or s in args.only]

    signal.signal(signal.SIGTERM, _interrupted)
    base = args.keep or Path(tempfile.mkdtemp(prefix="drill-"))
    if args.keep and base.exists() and any(base.iterdir()):
        base = base / f"lauf-{datetime.now():%Y%m%d-%H%M%S}"  # never delete or mix into what is already there
    base.mkdir(parents=True, exist_ok=True)
    started, when, host = time.monotonic(), datetime.now().astimezone(), report.machine()
    try:
        results = asyncio.run(run_all(names, base, args))
    except KeyboardInterrupt:
        print("abgebrochen", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    run = report.RunInfo(
        when=when,
        seconds=time.monotonic() - started,
        seed=args.seed,
        rounds=args.rounds,
        command=" ".join(["python -m drill", *sys.argv[1:]]),
        machine=host,
    )
    if args.json:
        print(
            json.dumps(
                {"lauf": run.as_dict(), "szenarien": [r.as_dict() for r in results]}, ensure_ascii=False, indent=2
            )
        )
    else:
        report.print_table(results, run)
    if args.report:
        report.write(args.report, results, run)
        if not args.json:
            print(f"Ergebnisse in {args.report} geschrieben")
    if args.keep and not args.json:
        print(f"Logs und Daten: {base}")
    raise SystemExit(0 if all(r.passed for r in results) else 1)


if __name__ == "__main__":
    main()
