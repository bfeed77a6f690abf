"""Tables for people, JSON for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from beratungsnetz.cli import formats
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
    """`--json`: the server's answer as it is. Otherwise a table of `rows` (German dates, numbers, short ids)."""
    if state.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    if columns is None:
        view(data)
        return
    table = Table(title=title or None)
    for header, _ in columns:
        table.add_column(header, overflow="fold")
    for row in rows if rows is not None else data:
        table.add_row(*[_cell(row, key) for _, key in columns])
    console.print(table)


def view(data: Any, labels: dict[str, str] | None = None, indent: str = "") -> None:
    """A record as German lines: `Label: Wert`, lists of records indented below their label."""
    if not isinstance(data, dict):
        console.print(formats.text(data, ids=False), markup=False, highlight=False)
        return
    for key, value in data.items():
        label = (labels or {}).get(key, key)
        if label is None or value in (None, "", [], {}):
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            console.print(f"{indent}[bold]{label}:[/bold]")
            for entry in value:
                console.print(f"{indent}  –", end=" ")
                console.print(
                    "; ".join(
                        f"{(labels or {}).get(k, k)}: {formats.text(v, ids=False)}"
                        for k, v in entry.items()
                        if v not in (None, "", []) and (labels or {}).get(k, k) is not None
                    ),
                    markup=False,
                    highlight=False,
                )
        elif isinstance(value, dict):
            console.print(f"{indent}[bold]{label}:[/bold]")
            view(value, labels, indent + "  ")
        else:
            console.print(f"{indent}[bold]{label}:[/bold] ", end="")
            console.print(formats.text(value, ids=False), markup=False, highlight=False)


def _cell(row: dict, key: str) -> str:
    value: Any = row
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return formats.text(value)


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
