"""Tables for people, JSON for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from beratungsnetz.cli.client import CliError, Gateway, settings

console = Console()
errors = Console(stderr=True)


class State:
    json: bool = False
    gateway: str | None = None
    token: str | None = None

    def connect(self) -> Gateway:
        url, token = settings(self.gateway, self.token)
        return Gateway(url, token)


state = State()


def emit(
    data: Any, columns: Sequence[tuple[str, str]] | None = None, rows: Iterable[dict] | None = None, title: str = ""
) -> None:
    """`--json`: the server's answer as it is. Otherwise a table of `rows` (or key/value lines)."""
    if state.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    if columns is None:
        if isinstance(data, dict):
            for key, value in data.items():
                console.print(f"[bold]{key}[/bold]: {value}")
        else:
            console.print(data)
        return
    table = Table(title=title or None)
    for header, _ in columns:
        table.add_column(header, overflow="fold")
    for row in rows if rows is not None else data:
        table.add_row(*[_cell(row, key) for _, key in columns])
    console.print(table)


def _cell(row: dict, key: str) -> str:
    value: Any = row
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def run(action) -> Any:  # noqa: ANN001
    """Run one request; on refusal print the German reason and exit with the matching code."""
    try:
        return action(state.connect())
    except CliError as exc:
        errors.print(f"[red]Fehler:[/red] {exc.message}")
        for field, reason in exc.fields.items():
            errors.print(f"  {field}: {reason}")
        raise typer.Exit(exc.code) from exc


def done(message: str) -> None:
    if not state.json:
        console.print(f"[green]✓[/green] {message}")


def fail(message: str, code: int = 1) -> None:
    errors.print(f"[red]Fehler:[/red] {message}")
    sys.exit(code)


YES, NO = ("j", "ja", "y", "yes"), ("n", "nein", "no", "")


def confirm(question: str) -> bool:
    """A German yes/no question on stderr (stdout stays for --json): "j" or "ja" agrees, Enter or "n" declines."""
    while True:
        errors.print(f"{question} [j/N]: ", end="", markup=False, highlight=False)
        line = sys.stdin.readline()
        if not line:  # end of input: nobody said yes
            errors.print("\nAbgebrochen.")
            raise typer.Exit(1)
        answer = line.strip().casefold()
        if answer in YES or answer in NO:
            return answer in YES
        errors.print("Bitte „j“ (ja) oder „n“ (nein) eingeben.")
