"""`beratungsnetz status`: is the gateway there, and do all services answer?"""

from __future__ import annotations

import typer

from beratungsnetz.cli.client import UNREACHABLE, CliError
from beratungsnetz.cli.output import console, emit, errors, run, state


def status() -> None:
    """Zeigt, ob das Gateway antwortet und alle Dienste bereit sind (Rückgabewert 3, wenn nicht).

    Beispiel: beratungsnetz status"""
    health = run(lambda g: g.get("/health"))

    def readiness(g):  # noqa: ANN001, ANN202
        try:
            return g.get("/ready")
        except CliError as exc:  # 503 names the services that do not answer in its body
            if exc.code != UNREACHABLE or not isinstance(exc.body, dict) or "dienste" not in exc.body:
                raise
            return exc.body

    ready = run(readiness)
    if state.json:
        emit({"gateway": health, "bereitschaft": ready})
    else:
        console.print(f"Gateway {health.get('version', '')}: {health.get('status', '')}")
        for service, answer in ready.get("dienste", {}).items():
            console.print(f"  {service}: {answer}")
    if ready.get("status") != "bereit":
        errors.print("[red]Nicht alle Dienste sind bereit.[/red]")
        raise typer.Exit(UNREACHABLE)
