"""One scenario's outcome: the table row, the details behind it and the raw figures (for --json)."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def de(value: float, digits: int = 1) -> str:
    """German number format: 1.234,5"""
    text = f"{value:,.{digits}f}" if digits else f"{value:,.0f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def seconds(value: float) -> str:
    return f"{de(value, 1)} s"


@dataclass
class Result:
    key: str
    title: str
    lost: int | None = None
    duplicates: int | None = None
    dead_letters: int | None = None
    dead_letter_codes: dict[str, int] = field(default_factory=dict)
    duplicate_note: str = ""
    recovery: str = "–"
    passed: bool = False
    verdict: str = ""
    details: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    seconds: float = 0.0
    error: str = ""

    def dead_letter_cell(self) -> str:
        if self.dead_letters is None:
            return "–"
        if not self.dead_letters:
            return "0"
        codes = ", ".join(f"{code}: {de(count, 0)}" for code, count in Counter(self.dead_letter_codes).most_common())
        return f"{de(self.dead_letters, 0)} ({codes})"

    def row(self) -> list[str]:
        number = lambda v: "–" if v is None else de(v, 0)  # noqa: E731
        duplicates = number(self.duplicates) + (f" ({self.duplicate_note})" if self.duplicate_note else "")
        return [
            self.title,
            number(self.lost),
            duplicates,
            self.dead_letter_cell(),
            self.recovery,
            self.verdict or ("bestanden" if self.passed else "nicht bestanden"),
        ]

    def as_dict(self) -> dict:
        return asdict(self)


def log_findings(directory: Path) -> dict[str, Counter]:
    """Warnings and errors per service log (JSON lines), and output that is not a log line (tracebacks)."""
    found: dict[str, Counter] = {}
    for log in sorted(directory.glob("*.log")):
        counts: Counter = Counter()
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                if line.startswith("Traceback"):
                    counts["Traceback (unbehandelte Ausnahme)"] += 1
                continue
            if isinstance(entry, dict) and entry.get("level") in ("warning", "error", "critical"):
                counts[f"{entry['level']}: {entry.get('event', '?')}"] += 1
        if counts:
            found[log.stem] = counts
    return found


def describe_logs(directory: Path) -> list[str]:
    lines = []
    for service, counts in log_findings(directory).items():
        if service in ("nats-server", "smtp-sink"):
            continue
        listed = ", ".join(f"{name} ×{de(c, 0)}" for name, c in counts.most_common(6))
        lines.append(f"Log {service}: {listed}")
    return lines


@asynccontextmanager
async def recorded(result: Result, system: Any) -> AsyncIterator[None]:
    """Run a scenario's body: a drill that breaks is a result too; its processes stop in any case."""
    started = time.monotonic()
    try:
        yield
    except Exception as exc:  # noqa: BLE001
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        await system.stop()
        result.seconds = time.monotonic() - started
