"""`beratungsnetz up`: the whole system on this machine."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from beratungsnetz.cli.output import state

console = Console(stderr=True)


def up(
    var_dir: Path = typer.Option(Path("var"), envvar="BERATUNGSNETZ_VAR_DIR", help="Ablage für Daten, Mails, Logs"),
    gateway_port: int = typer.Option(
        None,
        help="HTTP-Port des Gateways (0: ein freier). Ohne Angabe: der beim ersten Start "
        "gewählte (var/ports.json), anfangs 8000 oder ein freier. Links in Mails nennen ihn.",
    ),
    nats_port: int = typer.Option(None, help="NATS-Port (0: ein freier); ohne Angabe der gemerkte, anfangs 4222"),
    nats_monitor_port: int = typer.Option(
        None, help="Überwachungsport von NATS (0: ein freier); ohne Angabe der gemerkte, anfangs 8222"
    ),
    smtp_port: int = typer.Option(
        None, help="Port der SMTP-Senke (0: ein freier); ohne Angabe der gemerkte, anfangs 8025"
    ),
    lmtp_port: int = typer.Option(
        None, help="Port des LMTP-Eingangs der Verteiler (0: ein freier); ohne Angabe der gemerkte, anfangs 8024"
    ),
    timeout: float = typer.Option(60.0, help="Sekunden, bis alle Dienste bereit sein müssen"),
    as_json: bool = typer.Option(
        False, "--json", help="Endpunkte als JSON auf stdout ausgeben (auch: beratungsnetz --json up)"
    ),
) -> None:
    """Startet nats-server, alle Dienste, das Gateway und die SMTP-Senke; Strg-C beendet alles.

    Beispiel: beratungsnetz up --gateway-port 8000"""
    # Imported here: the supervisor brings FastStream and the runtime, which no other command needs.
    from beratungsnetz.runtime.supervisor import StartupFailed, System, run_until_stopped

    as_json = as_json or state.json
    system = System(
        var_dir,
        gateway_port=gateway_port,
        smtp_port=smtp_port,
        nats_port=nats_port,
        nats_monitor_port=nats_monitor_port,
        lmtp_port=lmtp_port,
    )

    def ready(system: System, seconds: float) -> None:
        info = system.describe()
        for notice in system.notices:
            console.print(f"[yellow]Achtung:[/yellow] {notice}", soft_wrap=True)
        if as_json:
            print(json.dumps(info, ensure_ascii=False), flush=True)
            return
        table = Table(title=f"Beratungsnetz läuft (bereit nach {seconds:.1f} s)")
        for column in ("Teil", "Adresse", "PID", "Log"):
            table.add_column(column, overflow="fold")
        table.add_row(
            "nats-server", info["nats"], str(info["pids"]["nats-server"]), str(var_dir / "log/nats-server.log")
        )
        for name, pid in info["pids"].items():
            if name == "nats-server":
                continue
            where = {"gateway": info["gateway"], "smtp-sink": f"smtp://{info['smtp']} → {info['mail_dir']}"}.get(
                name, "NATS"
            )
            table.add_row(name, where, str(pid), info["logs"][name])
        console.print(table)
        console.print(
            f"Die Kommandozeile ist verbunden (Token in {info['cli_config']}), z. B.: beratungsnetz stellen liste"
        )
        console.print("Strg-C beendet alle Prozesse.")

    try:
        code = asyncio.run(run_until_stopped(system, timeout, ready))
    except StartupFailed as exc:
        console.print(f"[red]Beratungsnetz angehalten:[/red] {exc}", soft_wrap=True)  # paths and commands unbroken
        sys.exit(1)
    console.print("Alle Prozesse beendet.")
    sys.exit(code)
