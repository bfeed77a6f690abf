"""The table on the terminal and the results section of RELIABILITY.md."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from drill.result import Result, de

TITLES = {
    "sigkill": "SIGKILL je Dienst während gemischter Last",
    "nats": "NATS-Neustart mitten im Lauf",
    "smtp": "SMTP-Server 30 s weg",
    "malformed": "1.000 fehlerhafte unter 10.000 gültigen Nachrichten",
    "diskfull": "Datenbankdatei: Platte voll",
}
HEADINGS = (
    "Szenario",
    "Ereignisse verloren",
    "doppelte Mails",
    "Dead Letters (mit Grund)",
    "Erholungszeit",
    "Ergebnis",
)
BEGIN, END = "<!-- drill:ergebnisse:anfang -->", "<!-- drill:ergebnisse:ende -->"


@dataclass
class RunInfo:
    when: datetime
    seconds: float
    seed: int
    rounds: int
    command: str
    machine: dict[str, str]

    def as_dict(self) -> dict:
        return asdict(self) | {"when": self.when.isoformat(timespec="seconds")}


def _first(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def revision() -> str:
    """The commit the drill ran against, and whether services or shared code differed from it."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=Path(__file__).parent).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "?"
    changed = git("status", "--porcelain", "--", "services", "shared", "beratungsnetz")
    return commit + (
        " (mit nicht eingecheckten Änderungen an services/, shared/ oder beratungsnetz/)" if changed else ""
    )


def machine() -> dict[str, str]:
    from beratungsnetz.runtime.nats_server import nats_server_binary

    try:
        nats = subprocess.run(
            [str(nats_server_binary()), "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except Exception:  # noqa: BLE001
        nats = "?"
    memory = _first("/proc/meminfo", "MemTotal")
    memory_gb = f"{de(int(memory.split()[0]) / 1024 / 1024, 1)} GB" if memory != "?" else "?"
    disk = subprocess.run(["df", "-hT", "/tmp"], capture_output=True, text=True).stdout.splitlines()[-1:]  # noqa: S108 - only a shown example path
    return {
        "cpu": _first("/proc/cpuinfo", "model name"),
        "kerne": str(os.cpu_count()),
        "speicher": memory_gb,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "nats_server": nats,
        "sqlite": __import__("sqlite3").sqlite_version,
        "tmp": " ".join(disk[0].split()[1:2]) if disk else "?",
        "last": " / ".join(de(x, 2) for x in os.getloadavg()),
        "stand": revision(),
    }


def table(results: list[Result]) -> Table:
    grid = Table(title="Zuverlässigkeitsübungen (make drill)", show_lines=True)
    for heading in HEADINGS:
        grid.add_column(heading, overflow="fold")
    for r in results:
        row = r.row()
        if r.error:
            row[-1] = f"abgebrochen: {r.error}"
        grid.add_row(*row, style=None if r.passed else "red")
    return grid


def print_table(results: list[Result], run: RunInfo) -> None:
    console = Console(width=max(140, Console().width))
    for r in results:
        console.print(f"[bold]{r.title}[/bold] ({de(r.seconds, 0)} s)")
        for line in r.details:
            console.print(f"  · {line}", highlight=False, markup=False)
    console.print(table(results))
    console.print(
        f"Gesamtdauer {de(run.seconds, 0)} s, Zufallszahl {run.seed}, {run.machine['kerne']} Kerne, Last zu Beginn {run.machine['last']}"
    )


def markdown(results: list[Result], run: RunInfo) -> str:
    m = run.machine
    cell = lambda text: text.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = [
        BEGIN,
        f"## Ergebnisse des Laufs vom {run.when:%d.%m.%Y, %H:%M} Uhr ({run.when:%Z})",
        "",
        f"Befehl: `{run.command}` · Dauer {de(run.seconds, 0)} s · Zufallszahl {run.seed} · Stand: Commit {m['stand']}",
        "",
        f"Maschine: {m['cpu']}, {m['kerne']} Kerne, {m['speicher']} RAM, {m['system']}, Python {m['python']}, "
        f"{m['nats_server']}, SQLite {m['sqlite']}, Ablage auf {m['tmp']}; Last (1/5/15 min) zu Beginn {m['last']} "
        "(eine geteilte Maschine: was sonst lief, zeigt die Last).",
        "",
        "| " + " | ".join(HEADINGS) + " |",
        "|" + "---|" * len(HEADINGS),
    ]
    for r in results:
        row = r.row()
        if r.error:
            row[-1] = f"abgebrochen: {r.error}"
        lines.append("| " + " | ".join(cell(c) for c in row) + " |")
    lines.append("")
    for r in results:
        lines += [
            f"### {r.title}",
            "",
            f"Dauer {de(r.seconds, 0)} s." + (f" **Abgebrochen:** {r.error}" if r.error else ""),
            "",
        ]
        lines += [f"- {cell(d)}" for d in r.details] + [""]
    lines.append(END)
    return "\n".join(lines)


def write(path: Path, results: list[Result], run: RunInfo) -> None:
    section = markdown(results, run)
    if path.exists() and BEGIN in (text := path.read_text(encoding="utf-8")) and END in text:
        updated = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S)
    else:
        updated = "# Zuverlässigkeit\n\n" + section + "\n"
    path.write_text(updated, encoding="utf-8")
